// What each process of the cluster profile reads: a country's worker only its own national
// settings, secrets never echoed in an error, and a server configuration rendered whole.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { postgresTarget } from '../../src/cluster/postgres.ts';
import { clusterPorts, fillTemplate, renderServerConfig, TEMPLATE } from '../../src/cluster/server-config.ts';
import { ConfigError, loadConfig } from '../../src/config/env.ts';

describe('per-country settings', () => {
  const env = {
    CORRIDOR_NATIONAL_TG_URL: 'https://asycuda-gateway.douanes.tg/corridor',
    CORRIDOR_NATIONAL_TG_TOKEN: 'tg-credential',
    CORRIDOR_NATIONAL_BF_URL: 'not a url',
  };

  it("the national-TG worker's configuration neither parses nor holds Burkina's settings", () => {
    const config = loadConfig(env, { countries: ['TG'] });
    assert.deepEqual(config.national.TG, { url: env.CORRIDOR_NATIONAL_TG_URL, token: 'tg-credential', actKey: undefined });
    assert.throws(() => config.national.BF, /does not serve BF: it reads none of CORRIDOR_NATIONAL_BF_\*/);
    assert.ok(!JSON.stringify(config).includes('not a url'));
  });

  it('the workflow worker reads no national settings at all', () => {
    const config = loadConfig({ CORRIDOR_NATIONAL_TG_URL: 'bad', CORRIDOR_NATIONAL_BF_URL: 'bad' }, { countries: [] });
    assert.throws(() => config.national.TG, /does not serve TG/);
    assert.equal(config.national.timeoutMs, 10_000);
  });

  it('a process serving both (the API, npm start) still refuses a bad value, naming it', () => {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_NATIONAL_BF_URL',
    );
  });
});

describe('cluster settings', () => {
  it('a bad PostgreSQL URL is refused without echoing its password', () => {
    assert.throws(
      () => loadConfig({ CORRIDOR_PG_URL: 'mysql://corridor:s3cret@db/corridor' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_PG_URL' && !error.message.includes('s3cret'),
    );
  });

  it('the port block stays where Temporal can store it', () => {
    assert.throws(() => loadConfig({ CORRIDOR_CLUSTER_PORT: '40000' }), /smallint/);
    assert.equal(loadConfig({}).cluster.port, 7233);
  });

  it('renders the server configuration from the template: every placeholder filled, the password quoted safely', () => {
    const target = postgresTarget('postgres://temporal:p%22a%5Css@db.example:5433/corridor_temporal?sslmode=verify-full&sslrootcert=/etc/ssl/pg-ca.pem');
    const yaml = renderServerConfig(readFileSync(TEMPLATE, 'utf8'), {
      target,
      historyShards: 16,
      ports: clusterPorts(7233),
      dynamicConfigFile: '/data/dynamicconfig.yaml',
    });
    assert.ok(!/\{\{[A-Z_]+\}\}/.test(yaml), 'no placeholder left');
    assert.match(yaml, /numHistoryShards: 16/);
    assert.match(yaml, /databaseName: "corridor_temporal_visibility"/);
    assert.match(yaml, /password: "p\\"a\\\\ss"/);
    assert.match(yaml, /connectAddr: "db\.example:5433"/);
    assert.match(yaml, /grpcPort: 7233\n\s+httpPort: 7237/);
    assert.equal(yaml.match(/tls:\n\s+enabled: true\n\s+enableHostVerification: true\n\s+caFile: "\/etc\/ssl\/pg-ca.pem"/g)?.length, 2);
    assert.throws(() => fillTemplate('x: {{NOT_A_VALUE}}', {}, 'test'), /unknown placeholder \{\{NOT_A_VALUE\}\}/);
  });
});
