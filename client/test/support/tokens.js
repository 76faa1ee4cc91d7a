// HS256 tokens for a test hub's auth.secret, signed the way an application's login would sign them.
import { createHmac } from 'node:crypto';

export const SECRET = 'client-test-secret-0123456789abcdef0123';

export function token(claims) {
  const part = (json) => Buffer.from(JSON.stringify(json)).toString('base64url');
  const unsigned = part({ alg: 'HS256', typ: 'JWT' }) + '.' + part(claims);
  return unsigned + '.' + createHmac('sha256', SECRET).update(unsigned).digest('base64url');
}
