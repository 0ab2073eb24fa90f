export const DEMO_PASSWORD = 'Demo-pass-2026';
/** Monday 2 March 2026, 09:00 Beijing time: a normal working day. */
export const TEST_EPOCH = '2026-03-02T09:00:00+08:00';
/** The certificate master key of every test app: fixed, so no key file is ever written (decision 0013). */
export const TEST_CERT_MASTER_KEY = '5eed5eed5eed5eed5eed5eed5eed5eed0123456789abcdef0123456789abcdef';
