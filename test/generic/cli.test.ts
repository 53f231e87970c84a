import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

describe('generic credentials on command lines', () => {
  it('long options, short password flags of known commands, curl -u, docker -e, env prefixes', () => {
    const s = Array.from({ length: 12 }, (_, i) => fake(10 + i, 201 + i));
    expectCases('scripts/ops.sh', [
      { text: `app-cli login --password=${s[0]} --user ops`, secret: s[0], rule: 'generic-cli-secret' },
      { text: `deploy --api-token ${s[1]} --env prod`, secret: s[1] },
      { text: `mysql -h db.internal -u app -p${s[2]} appdb`, secret: s[2] },
      { text: `sshpass -p '${s[3]}' ssh deploy@10.0.0.4`, secret: s[3] },
      { text: `psexec \\\\host01 -u ops -p ${s[4]} cmd`, secret: s[4] },
      { text: `curl -u admin:${s[5]} https://ci.internal/api`, secret: s[5] },
      { text: `docker run -e API_TOKEN=${s[6]} app:latest`, secret: s[6] },
      { text: `PGPASSWORD=${s[7]} psql -h db -U app`, secret: s[7] },
      { text: `redis-cli -h cache -a ${s[8]} ping`, secret: s[8] },
      { text: `docker login -u ci -p ${s[9]} registry.internal`, secret: s[9] },
      { text: 'mysql -u root -p' },
      { text: 'mysql -u root -p appdb < dump.sql' },
      { text: 'curl -u "$USER:$PASS" https://ci.internal/api' },
      { text: 'app-cli login --password "$DB_PASSWORD"' },
      { text: 'app-cli login --password-stdin < token.txt' },
      { text: 'tar -p -xf archive.tar' },
      { text: 'docker run -e API_TOKEN app:latest' },
    ]);
  });

  it('flags in an exec array (docker-compose command, Kubernetes args)', () => {
    const secret = fake(12, 231);
    expectCases('deploy/docker-compose.yml', [
      { text: `    command: ["redis-server", "--requirepass", "${secret}"]`, secret },
      { text: '    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]' },
    ]);
  });
});
