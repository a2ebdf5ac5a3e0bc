import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

describe('config', () => {
  it('applies defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.DATA_DIR).toBe('var');
    expect(c.NATS_URL).toBeUndefined();
  });
  it('lets flags win over environment', () => {
    expect(loadConfig({ PORT: '9000' }, { port: '9100' }).PORT).toBe(9100);
  });
  it('names the variable at fault', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT.*<= 65535/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ NATS_URL: 'http://x' })).toThrow(/NATS_URL/);
  });
  it('takes NATS_REPLICAS 1 or 3 only, and 3 only against a NATS cluster', () => {
    expect(loadConfig({}).NATS_REPLICAS).toBe(1);
    const url = 'nats://a:4222,nats://b:4222,nats://c:4222';
    expect(loadConfig({ NATS_URL: url, NATS_REPLICAS: '3' }).NATS_REPLICAS).toBe(3);
    expect(loadConfig({ NATS_URL: url }, { natsReplicas: '3' }).NATS_REPLICAS).toBe(3);
    expect(() => loadConfig({ NATS_URL: url, NATS_REPLICAS: '2' })).toThrow(
      /^configuration NATS_REPLICAS: .*allowed values.*got 2; set NATS_REPLICAS or --nats-replicas/,
    );
    expect(() => loadConfig({ NATS_URL: url, NATS_REPLICAS: 'three' })).toThrow(
      /^configuration NATS_REPLICAS: must be an integer/,
    );
    expect(() => loadConfig({ NATS_REPLICAS: '3' })).toThrow(
      /^configuration NATS_REPLICAS: 3 needs a NATS cluster/,
    );
  });
});
