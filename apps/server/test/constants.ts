export const DEMO_PASSWORD = 'Demo-pass-2026';
/** Monday 2 March 2026, 09:00 Beijing time: a normal working day. */
export const TEST_EPOCH = '2026-03-02T09:00:00+08:00';
