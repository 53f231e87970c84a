import { describe, it } from 'vitest';
import { expectCases, fake } from './util.js';

// Code assignments and literals across languages: positives hold a literal; near misses hold a lookup,
// an identifier, a placeholder, a hint or a describing name next to the same credential words.
describe('generic credentials in code', () => {
  it('Python: assignments, keyword arguments, dict literals, getenv fallbacks', () => {
    const [a, b, c, d, e] = [fake(16, 1), fake(12, 2), fake(14, 3), fake(18, 4), fake(20, 5)];
    expectCases('app/settings.py', [
      { text: `DB_PASSWORD = "${a}"`, secret: a, rule: 'generic-secret-assignment' },
      { text: `conn = psycopg2.connect(host="db", user="app", password="${b}")`, secret: b },
      { text: `CONFIG = {"api_key": "${c}", "region": "eu-west-1"}`, secret: c },
      { text: `token = os.getenv("SERVICE_TOKEN", "${d}")`, secret: d },
      { text: `client_secret: str = "${e}"`, secret: e },
      { text: 'DB_PASSWORD = os.environ["DB_PASSWORD"]' },
      { text: 'password = getpass.getpass("Password: ")' },
      { text: 'password_hint = "the name of your first pet"' },
      { text: 'MIN_PASSWORD_LENGTH = 12' },
      { text: 'token = request.headers.get("X-Token")' },
      { text: 'api_key = "<your-api-key>"' },
      { text: 'secret_name = "payments-service-secret"' },
    ]);
  });

  it('JavaScript and TypeScript: object fields, typed consts, setters', () => {
    const [a, b, c] = [fake(16, 11), fake(24, 12), fake(13, 13)];
    expectCases('src/client.ts', [
      { text: `const client = new Api({ apiKey: '${a}', timeout: 5000 });`, secret: a },
      { text: `const SIGNING_SECRET: string = "${b}";`, secret: b },
      { text: `auth.setPassword("${c}");`, secret: c },
      { text: "const apiKey = process.env.API_KEY ?? '';" },
      { text: "headers: { 'X-Api-Key': options.apiKey }," },
      { text: "export const tokenStorageKey = 'auth.token';" },
      { text: 'const passwordField = document.querySelector("#password");' },
      { text: "const secret = cond ? 'left' : 'right';" },
    ]);
  });

  it('Java, Kotlin and C#: fields, setters, credential constructors', () => {
    const [a, b, c, d] = [fake(14, 21), fake(15, 22), fake(12, 23), fake(16, 24)];
    expectCases('src/main/java/Db.java', [
      { text: `private static final String DB_PASSWORD = "${a}";`, secret: a },
      { text: `dataSource.setPassword("${b}");`, secret: b },
      { text: 'String password = System.getenv("DB_PASSWORD");' },
      { text: 'if (password.length() < MIN_PASSWORD_LENGTH) return;' },
    ]);
    expectCases('app/src/main/kotlin/Config.kt', [
      { text: `val apiToken: String = "${c}"`, secret: c },
      { text: 'val apiToken: String = BuildConfig.API_TOKEN' },
    ]);
    expectCases('Services/Mailer.cs', [
      { text: `var credentials = new NetworkCredential("mailer", "${d}");`, secret: d },
      { text: 'var credentials = new NetworkCredential(user, password);' },
    ]);
  });

  it('Go, Ruby, PHP, Rust and Swift', () => {
    const [a, b, c, d, e, f, g] = [fake(14, 31), fake(16, 32), fake(12, 33), fake(13, 34), fake(20, 35), fake(18, 36), fake(22, 37)];
    expectCases('cmd/main.go', [
      { text: `\tcfg := Config{Host: "db", Password: "${a}"}`, secret: a },
      { text: `\tapiKey := "${b}"`, secret: b },
      { text: '\tpassword := os.Getenv("DB_PASSWORD")' },
    ]);
    expectCases('config/initializers/mailer.rb', [
      { text: `  password: "${c}",`, secret: c },
      { text: '  password: Rails.application.credentials.smtp[:password],' },
    ]);
    expectCases('wp-config.php', [
      { text: `define('DB_PASSWORD', '${d}');`, secret: d },
      { text: `$settings = ['host' => 'db', 'password' => '${e}'];`, secret: e },
      { text: "define('DB_PASSWORD', getenv('DB_PASSWORD'));" },
    ]);
    expectCases('src/config.rs', [
      { text: `const API_KEY: &str = "${f}";`, secret: f },
      { text: 'let api_key = env::var("API_KEY").expect("API_KEY must be set");' },
    ]);
    expectCases('App/Secrets.swift', [
      { text: `let clientSecret = "${g}"`, secret: g },
      { text: 'let clientSecret = ProcessInfo.processInfo.environment["CLIENT_SECRET"]' },
    ]);
  });

  it('shell and PowerShell: exports, map literals, SecureString', () => {
    const [a, b, c] = [fake(15, 41), fake(14, 42), fake(16, 43)];
    expectCases('scripts/deploy.sh', [
      { text: `export DEPLOY_TOKEN="${a}"`, secret: a },
      { text: 'export DEPLOY_TOKEN="$(vault read -field=token secret/deploy)"' },
      { text: 'export DEPLOY_TOKEN="${CI_DEPLOY_TOKEN}"' },
    ]);
    expectCases('scripts/Backup.ps1', [
      { text: `$Password = ConvertTo-SecureString '${b}' -AsPlainText -Force`, secret: b },
      { text: `$settings["password"] = "${c}"`, secret: c },
      { text: '$Password = ConvertTo-SecureString $env:BACKUP_PASSWORD -AsPlainText -Force' },
      { text: '$Token = Get-Secret -Name BackupToken -AsPlainText' },
    ]);
  });

  it('login calls whose user and password are the last two strings, after other arguments', () => {
    const [a, b, c, d, e, f] = [fake(14, 401), fake(15, 402), fake(13, 403), fake(16, 404), fake(14, 405), fake(12, 406)];
    expectCases('app/db.php', [
      { text: `$pdo = new PDO($dsn, "app", "${a}");`, secret: a },
      { text: '$pdo = new PDO($dsn, $user, $password);' },
    ]);
    expectCases('src/Db.java', [{ text: `Connection c = DriverManager.getConnection(url, "app", "${b}");`, secret: b }]);
    expectCases('app/mail.py', [
      { text: `server.login("alerts@acme.dev", "${c}")`, secret: c },
      { text: `requests.get(url, auth=("deploy", "${d}"))`, secret: d },
      { text: `conn.simple_bind_s("cn=admin,dc=acme,dc=dev", "${e}")`, secret: e },
      { text: 'client.login(username, password)' },
      { text: 'requests.get(url, auth=("deploy", os.environ["DEPLOY_PASSWORD"]))' },
      { text: 'log.info("login(%s, %s)", "user", "failed")' },
    ]);
    expectCases('lib/notify.rb', [{ text: `Net::SMTP.start("smtp.acme.dev", 587, "acme.dev", "alerts", "${f}", :login)`, secret: f }]);
  });

  it('Visual Basic declarations and Jupyter notebook cells, whose code sits in JSON strings', () => {
    const [a, b, c, d] = [fake(15, 411), fake(16, 412), fake(18, 413), fake(14, 414)];
    expectCases('src/Settings.vb', [
      { text: `Dim password As String = "${a}"`, secret: a },
      { text: `Private Const ApiKey As String = "${b}"`, secret: b },
      { text: 'Dim passwordPrompt As String = "Enter your password"' },
    ]);
    // One notebook line per case, as Jupyter writes them: two-space JSON, each source line a string.
    expectCases('analysis.ipynb', [
      { text: `    "openai_api_key = \\"${c}\\"\\n",`, secret: c },
      { text: `    "client = OpenAI(api_key=\\"${d}\\")\\n",`, secret: d },
      { text: '    "db = connect(password=os.environ[\\"DB_PASSWORD\\"])\\n",' },
    ]);
  });
});
