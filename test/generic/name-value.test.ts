import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

describe('generic credentials in name/value pairs: ECS, Kubernetes, HCL, GitLab variables', () => {
  it('one line: {"name": …, "value": …} and { name = …, value = … }', () => {
    const [a, b] = [fake(20, 921), fake(12, 922)];
    expectCases('infra/ecs/task-definition.json', [
      { text: `        { "name": "STRIPE_WEBHOOK_SECRET", "value": "${a}" },`, secret: a },
      { text: '        { "name": "PASSWORD_MIN_LENGTH", "value": "12" },' },
      { text: '        { "name": "API_KEY_HEADER", "value": "X-Api-Key" },' },
      { text: '        { "name": "DB_PASSWORD", "value": "${db_password}" },' },
      { text: '        { "name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/billing/db" }' },
    ]);
    expectCases('infra/ecs/main.tf', [
      { text: `    { name = "REDIS_PASSWORD", value = "${b}" },`, secret: b },
      { text: '    { name = "TOKEN_AUDIENCE", value = "billing-api" },' },
    ]);
  });

  it('two lines: a value: line takes its name from the list item or key above it', () => {
    const [a, b, c] = [fake(16, 931), fake(20, 932), fake(14, 933)];
    expectCases('deploy/k8s/deployment.yaml', [
      { text: `            - name: QUEUE_PASSWORD\n              value: "${a}"`, secret: a, rule: 'generic-env-secret' },
      { text: `            - name: API_TOKEN\n              value: ${b}`, secret: b },
      { text: '            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: worker-db\n                  key: password' },
      { text: '            - name: SESSION_SECRET\n              value: "{{ .Values.sessionSecret }}"' },
      { text: '            - name: TOKEN_TTL_SECONDS\n              value: "3600"' },
      { text: '            - name: LOG_LEVEL\n              value: Wq8Lm3Zr7Xt2Kv9' },
    ]);
    expectCases('.gitlab-ci.yml', [
      { text: `  SONAR_LOGIN_TOKEN:\n    value: "${c}"\n    description: "Token for the Sonar scanner"`, secret: c },
      { text: '  DEPLOY_TOKEN:\n    value: $CI_DEPLOY_TOKEN' },
    ]);
  });
});
