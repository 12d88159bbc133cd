// Sign-in with a Nostr key through a NIP-07 signer (a browser extension such as nos2x or Alby puts window.nostr
// on the page): the control plane's challenge goes into a kind-27235 event (NIP-98 style) that the signer signs;
// the dashboard never sees the secret key.
import { get, post } from './api.js';

export class NoSigner extends Error {}

/** The event the signer is asked to sign (docs/protocol.md, "Accounts, sessions and the dashboard API", "Sign-in"). */
export function challengeEvent(challenge, pubkey, now = Date.now()) {
  return {
    kind: 27235,
    created_at: Math.floor(now / 1000),
    tags: [
      ['u', new URL('/api/v1/auth/nostr', window.location.origin).href],
      ['method', 'POST'],
      ['challenge', challenge],
    ],
    content: '',
    pubkey,
  };
}

/** Signs in with the page's NIP-07 signer; resolves with the SIGNED_IN answer. */
export async function signInWithNostr() {
  const signer = window.nostr;
  if (!signer || typeof signer.signEvent !== 'function' || typeof signer.getPublicKey !== 'function') {
    throw new NoSigner('No Nostr signer found. Install a NIP-07 browser extension (such as nos2x or Alby), '
      + 'then reload this page.');
  }
  const { challenge } = await get('/api/v1/auth/nostr/challenge');
  const pubkey = await signer.getPublicKey();
  const event = await signer.signEvent(challengeEvent(challenge, pubkey));
  return post('/api/v1/auth/nostr', { event });
}
