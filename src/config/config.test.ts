// Configuration precedence and validation.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'inductor-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('defaults to port 9092 and ./data', () => {
    const c = loadConfig();
    assert.equal(c.http.port, 9092);
    assert.equal(c.dataDir, './data');
    assert.equal(c.http.authEnabled, false);
  });

  it('reads Kapacitor-style TOML sections and keeps unknown sections for their services', () => {
    const c = loadConfig({
      file: file(
        'full.toml',
        `hostname = "box1"
data_dir = "/var/lib/inductor"
[http]
bind-address = ":9999"
auth-enabled = true
max-body-size = 1024
[[auth.users]]
username = "ada"
password = "pw"
role = "read"
[[auth.tokens]]
token = "t"
username = "ada"
[logging]
level = "DEBUG"
[exports]
min-interval = "5s"
`,
      ),
    });
    assert.equal(c.hostname, 'box1');
    assert.equal(c.dataDir, '/var/lib/inductor');
    assert.equal(c.http.bindAddress, '0.0.0.0');
    assert.equal(c.http.port, 9999);
    assert.equal(c.http.maxBodySize, 1024);
    assert.deepEqual(c.auth.users, [{ username: 'ada', password: 'pw', role: 'read' }]);
    assert.equal(c.logging.level, 'debug');
    assert.deepEqual({ ...(c.sections.exports as object) }, { 'min-interval': '5s' });
  });

  it('lets environment variables override the file and flags override both', () => {
    const path = file('port.toml', '[http]\nport = 1000\n');
    assert.equal(loadConfig({ file: path }).http.port, 1000);
    assert.equal(loadConfig({ file: path, env: { INDUCTOR_PORT: '2000' } }).http.port, 2000);
    assert.equal(loadConfig({ file: path, env: { INDUCTOR_PORT: '2000' }, overrides: { port: 3000 } }).http.port, 3000);
    assert.equal(loadConfig({ env: { INDUCTOR_DATA_DIR: '/x' } }).dataDir, '/x');
  });

  const bad: Array<[string, RegExp]> = [
    ['[http]\nport = 70000\n', /http\.port: expected a port number/],
    ['[http]\nauth-enabled = "yes"\n', /http\.auth-enabled: expected true or false/],
    ['[http]\nwhat = 1\n', /http\.what: unknown setting/],
    ['[http]\nauth-enabled = true\n', /no \[\[auth\.users\]\]/],
    ['[[auth.users]]\nusername = "a"\npassword = "b"\nrole = "god"\n', /role: must be "admin", "write" or "read"/],
    ['[[auth.tokens]]\ntoken = "x"\nusername = "ghost"\n', /token for unknown user "ghost"/],
    ['[logging]\nlevel = "loud"\n', /logging\.level: expected one of/],
    ['this is not toml', /invalid config file/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => loadConfig({ file: file('bad.toml', text) }), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }

  it('names a missing config file', () => {
    assert.throws(() => loadConfig({ file: join(dir, 'absent.toml') }), /cannot read config file .*absent\.toml/);
  });

  it('rejects a bad INDUCTOR_PORT', () => {
    assert.throws(() => loadConfig({ env: { INDUCTOR_PORT: 'abc' } }), /INDUCTOR_PORT: expected a port number/);
  });
});
