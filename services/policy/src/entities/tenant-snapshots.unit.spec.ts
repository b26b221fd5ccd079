import pino from 'pino';
import { SNAPSHOT_CHECK_AFTER_MS, SNAPSHOT_MAX_AGE_MS, TenantSnapshots } from './tenant-snapshots';

describe('TenantSnapshots', () => {
  let now = 0;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  const counting = () => {
    let loads = 0;
    return { snapshots: new TenantSnapshots<number>('test snapshot', async () => ++loads, pino({ level: 'silent' })), loads: () => loads };
  };

  it('refreshes in the background', async () => {
    const { snapshots, loads } = counting();
    expect(await snapshots.get('t1')).toBe(1);
    now += SNAPSHOT_CHECK_AFTER_MS + 1;
    expect(await snapshots.get('t1')).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(loads()).toBe(2);
    expect(await snapshots.get('t1')).toBe(2);
  });

  it('refreshes first after quiet spell', async () => {
    const { snapshots } = counting();
    expect(await snapshots.get('t1')).toBe(1);
    now += SNAPSHOT_MAX_AGE_MS + 1;
    expect(await snapshots.get('t1')).toBe(2);
  });
});
