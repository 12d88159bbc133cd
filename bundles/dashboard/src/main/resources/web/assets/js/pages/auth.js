// Sign in (email + password, or a Nostr key through a NIP-07 signer) and sign up.
import { get, post } from '../api.js';
import { h, field } from '../dom.js';
import { signInWithNostr, NoSigner } from '../nostr.js';

const DEFAULT_METHODS = { password: true, nostr: true, signup: true, oidc: false };

async function methods(ctx) {
  try {
    return { ...DEFAULT_METHODS, ...await get('/api/v1/auth/methods') };
  } catch (e) {
    ctx.fail('Could not read the sign-in methods', e);
    return DEFAULT_METHODS;
  }
}

/** Disables a form's controls while a request runs. */
async function busy(form, f) {
  const controls = [...form.querySelectorAll('button, input, select')];
  controls.forEach((c) => { c.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try {
    return await f();
  } finally {
    controls.forEach((c) => { c.disabled = false; });
    form.removeAttribute('aria-busy');
  }
}

export function signIn(main, ctx) {
  const email = h('input', {
    id: 'signin-email', name: 'email', type: 'email', autocomplete: 'username', required: true,
  });
  const password = h('input', {
    id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const form = h('form', { id: 'signin-form', class: 'card narrow', novalidate: false },
    field('Email', email),
    field('Password', password),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'signin-submit' }, 'Sign in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    ctx.announce('Signing in…');
    try {
      const answer = await busy(form, () => post('/api/v1/auth/login', {
        email: email.value.trim(), password: password.value,
      }));
      ctx.announce('Signed in.', 'ok');
      ctx.signedInAs(answer);
    } catch (e) {
      ctx.fail('Sign-in failed', e);
      password.focus();
    }
  });
  const nostrButton = h('button', { type: 'button', id: 'nostr-signin', class: 'secondary' }, 'Sign in with Nostr');
  nostrButton.addEventListener('click', async () => {
    ctx.announce('Asking your Nostr signer…');
    nostrButton.disabled = true;
    try {
      const answer = await signInWithNostr();
      ctx.announce('Signed in with Nostr.', 'ok');
      ctx.signedInAs(answer);
    } catch (e) {
      if (e instanceof NoSigner) {
        ctx.announce(e.message, 'error');
      } else {
        ctx.fail('Nostr sign-in failed', e);
      }
    } finally {
      nostrButton.disabled = false;
    }
  });
  const nostr = h('section', { id: 'nostr-section', class: 'card narrow', 'aria-labelledby': 'nostr-title', hidden: true },
    h('h2', { id: 'nostr-title' }, 'Nostr'),
    h('p', {}, 'Operators sign in with the key that runs their nodes, through a NIP-07 browser signer.'),
    nostrButton);
  // OpenID Connect is a redirect to the provider and back (the control plane sets the cookie, then sends the
  // browser to /dashboard/), so it is a link, not a call.
  const oidc = h('section', { id: 'oidc-section', class: 'card narrow', 'aria-labelledby': 'oidc-title', hidden: true },
    h('h2', { id: 'oidc-title' }, 'Single sign-on'),
    h('p', {}, h('a', { href: '/api/v1/auth/oidc/start', class: 'button secondary', id: 'oidc-signin' },
      'Sign in with your organisation (OpenID Connect)')));
  const signup = h('p', { id: 'signup-link', hidden: true }, 'No account yet? ',
    h('a', { href: '/dashboard/signup' }, 'Create an account'), '.');
  main.append(form, oidc, nostr, signup);
  methods(ctx).then((m) => {
    form.hidden = !m.password;
    nostr.hidden = !m.nostr;
    oidc.hidden = !m.oidc;
    signup.hidden = !m.signup;
    form.dataset.loaded = 'true'; // drawn for the methods the control plane offers (the load benchmark waits for this)
  });
}

export function signUp(main, ctx) {
  const email = h('input', { id: 'signup-email', name: 'email', type: 'email', autocomplete: 'email', required: true });
  const password = h('input', {
    id: 'signup-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true,
    minlength: 10,
  });
  const roleRadio = (value, text, checked) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'role', value, checked, id: `signup-role-${value}` }), ' ', text);
  const form = h('form', { id: 'signup-form', class: 'card narrow' },
    field('Email', email),
    field('Password', password, 'At least 10 characters.'),
    h('fieldset', {}, h('legend', {}, 'I want to'),
      roleRadio('client', 'use models (client)', true),
      roleRadio('operator', 'run nodes and earn (operator)', false)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'signup-submit' }, 'Create account')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const role = form.querySelector('input[name="role"]:checked')?.value ?? 'client';
    ctx.announce('Creating your account…');
    try {
      const answer = await busy(form, () => post('/api/v1/auth/signup', {
        email: email.value.trim(), password: password.value, role,
      }));
      ctx.announce('Account created. You are signed in.', 'ok');
      ctx.signedInAs(answer);
    } catch (e) {
      ctx.fail('Sign-up failed', e);
    }
  });
  main.append(form, h('p', {}, 'Have an account? ', h('a', { href: '/dashboard/signin' }, 'Sign in'), '.'));
}
