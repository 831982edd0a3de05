// A development OpenID provider for Pharmadesk, on loopback only.
//
// One provider answers on two ports: HTTPS (the issuer, because
// mod_auth_openidc refuses a JWKS URL over plain http) and HTTP (for clients
// that would rather not deal with a self-signed certificate). Sign-ins and
// tokens live in memory; the TLS certificate and the signing keys live in
// PD_IDP_DIR so that a restart keeps what relying parties have cached.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Provider, { errors } from 'oidc-provider';
import * as signin from './signin.js';

const env = process.env;
const here = path.dirname(fileURLToPath(import.meta.url));

function fail(message) {
  console.error(`idp: ${message}`);
  process.exit(2);
}

function required(name) {
  if (!env[name]) fail(`${name} must be set`);
  return env[name];
}

function port(name) {
  const value = Number(required(name));
  if (!Number.isInteger(value) || value < 1 || value > 65535) fail(`${name} is not a port`);
  return value;
}

const HOST = '127.0.0.1';
const httpPort = port('PD_IDP_HTTP_PORT');
const httpsPort = port('PD_IDP_HTTPS_PORT');
const dir = required('PD_IDP_DIR');
const portal = required('PD_IDP_PORTAL_URL').replace(/\/+$/, '');
const portals = [portal, portal.replace('//127.0.0.1:', '//localhost:')]
  .filter((u, i, all) => all.indexOf(u) === i);
const clientSecret = env.PD_IDP_CLIENT_SECRET || 'pharmadesk-dev-secret';
const audience = env.PD_IDP_API_AUDIENCE || 'pharmadesk-api';
const accountsFile = env.PD_IDP_ACCOUNTS || path.join(here, 'accounts.json');
const testTokens = env.PD_IDP_TEST_TOKENS === '1';
const issuer = `https://${HOST}:${httpsPort}`;

// Every account shares the password the demo already documents.
const PASSWORD = 'pharmadesk';
const API_SCOPE = 'pharmadesk';
// Resource indicators must be absolute URIs (RFC 8707) while the audience
// Apache checks is a plain name, so the resource is the audience as a URN.
const apiResource = /^[a-z][a-z0-9+.-]*:/i.test(audience) ? audience : `urn:${audience}`;

fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

function writePrivate(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function tlsMaterial() {
  const key = path.join(dir, 'tls.key');
  const cert = path.join(dir, 'tls.crt');
  if (!fs.existsSync(key) || !fs.existsSync(cert)) {
    try {
      // EC rather than RSA: generated in milliseconds, and start-up time counts.
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-nodes', '-sha256', '-days', '3650', '-subj', `/CN=${HOST}`,
        '-addext', `subjectAltName=IP:${HOST},DNS:localhost`,
        '-keyout', `${key}.tmp`, '-out', `${cert}.tmp`], { stdio: 'pipe' });
    } catch (err) {
      fail(`openssl could not make a certificate: ${err.stderr || err.message}`);
    }
    fs.chmodSync(`${key}.tmp`, 0o600);
    fs.renameSync(`${key}.tmp`, key);
    fs.renameSync(`${cert}.tmp`, cert);
  }
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

function keys() {
  const file = path.join(dir, 'keys.json');
  if (!fs.existsSync(file)) {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const kid = crypto.createHash('sha256')
      .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest('base64url');
    writePrivate(file, `${JSON.stringify({
      jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] },
      cookies: [crypto.randomBytes(32).toString('base64url')],
    }, null, 2)}\n`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function loadAccounts() {
  let list;
  try {
    list = JSON.parse(fs.readFileSync(accountsFile, 'utf8'));
  } catch (err) {
    fail(`cannot read accounts from ${accountsFile}: ${err.message}`);
  }
  if (!Array.isArray(list)) fail(`${accountsFile} must hold an array of accounts`);
  const bySub = new Map();
  const byName = new Map();
  for (const a of list) {
    if (!a.sub || !a.preferred_username) fail(`an account in ${accountsFile} lacks sub or preferred_username`);
    if (bySub.has(a.sub) || byName.has(a.preferred_username)) fail(`duplicate account ${a.preferred_username}`);
    bySub.set(a.sub, a);
    byName.set(a.preferred_username, a);
  }
  return { bySub, byName };
}

const accounts = loadAccounts();
const { jwks, cookies } = keys();
const signingKey = jwks.keys[0];

// What the API needs to know about a person, carried in its access tokens so
// that Apache's oauth20 mode can pass it on without calling back here.
function apiClaims(a) {
  const claims = {
    preferred_username: a.preferred_username,
    name: a.name,
    email: a.email,
    groups: a.groups || [],
  };
  if (a.pharmacy) claims.pharmacy = a.pharmacy;
  return claims;
}

// The reporting service reads everything and changes nothing: a manager.
const serviceClaims = {
  'pharmadesk-service': { name: 'Reporting service', groups: ['pharmadesk-manager'] },
};

const page = (title, body) => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:22em;margin:3em auto">
${body}
</body></html>
`;

const { escapeHtml } = signin;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'pharmadesk-portal',
      client_secret: clientSecret,
      // The provider accepts client_secret_post as well for a client
      // registered with client_secret_basic.
      token_endpoint_auth_method: 'client_secret_basic',
      // The portal answers on 127.0.0.1 and on localhost alike.
      redirect_uris: portals.map((u) => `${u}/oidc/callback`),
      post_logout_redirect_uris: portals.flatMap((u) => [`${u}/`, `${u}/signed-out.html`]),
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
    },
    {
      client_id: 'pharmadesk-service',
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
    },
    // For tests only: a client whose ID tokens name the API as their
    // audience, as some providers' do (LemonLDAP::NG adds an RP's extra
    // audiences to its ID tokens; Microsoft Entra ID's API audience is an
    // app registration's client ID). Pharmadesk must still refuse those ID
    // tokens as bearer tokens. Its redirect URI is never followed.
    ...(testTokens ? [{
      client_id: audience,
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [`${portal}/test/id-token-client`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }] : []),
  ],
  jwks,
  cookies: { keys: cookies },
  async findAccount(ctx, sub) {
    const a = accounts.bySub.get(sub);
    if (!a) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, ...apiClaims(a), email_verified: true };
      },
    };
  },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    [API_SCOPE]: ['groups', 'pharmacy'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email', API_SCOPE],
  // Relying parties get every claim from the ID token and need not call
  // userinfo.
  conformIdTokenClaims: false,
  // PKCE is for public clients; mod_auth_openidc does without it unless told.
  pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' },
  // Without offline_access the provider would issue no refresh token, and
  // mod_auth_openidc does not ask for it by default.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  async extraTokenClaims(ctx, token) {
    // A service (client credentials) is nobody's account: its groups come
    // with the client, as a service account's roles would in Keycloak.
    if (token.kind === 'ClientCredentials') return serviceClaims[token.clientId];
    const a = token.accountId && accounts.bySub.get(token.accountId);
    return a ? apiClaims(a) : undefined;
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    ClientCredentials: 3600,
    IdToken: 3600,
    Interaction: 600,
    RefreshToken: 86400,
    Session: 86400,
    Grant: 86400,
  },
  features: {
    // The built-in login form takes any password and loads web fonts; ours
    // is served below.
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => apiResource,
      // With openid in scope the code grant's access token stays the one
      // for userinfo, which mod_auth_openidc calls; resource=<api resource>
      // at the token endpoint gives the API's JWT instead.
      useGrantedResource: () => false,
      getResourceServerInfo(ctx, resource) {
        if (resource !== apiResource) throw new errors.InvalidTarget();
        return {
          scope: API_SCOPE,
          audience,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        // Signs out without asking: a development provider has nothing to
        // protect by a confirmation click. The hidden field stands for the
        // button, which a scripted submit does not send.
        const yes = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
        ctx.body = page('Sign out', `${yes}
<p><button type="submit" form="op.logoutForm">Sign out</button></p>
<script>document.getElementById('op.logoutForm').submit()</script>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<h1>Signed out</h1>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Error</h1>${Object.entries(out)
      .map(([k, v]) => `<p><b>${escapeHtml(k)}</b>: ${escapeHtml(v)}</p>`).join('')}`);
  },
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 65536) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, type, body) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

const sendJson = (res, status, obj) => send(res, status, 'application/json', `${JSON.stringify(obj)}\n`);
const sendHtml = (res, status, html) => send(res, status, 'text/html; charset=utf-8', html);

function samePassword(given) {
  const a = crypto.createHash('sha256').update(String(given ?? '')).digest();
  const b = crypto.createHash('sha256').update(PASSWORD).digest();
  return crypto.timingSafeEqual(a, b);
}

async function interaction(req, res, uid, query) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return sendHtml(res, 400, signin.expiredPage(signin.language(req, query.get('lang'))));
  const { prompt, params } = details;

  if (prompt.name === 'login') {
    if (req.method === 'GET') {
      return sendHtml(res, 200, signin.loginPage(uid, signin.language(req, query.get('lang')), params.login_hint));
    }
    if (req.method !== 'POST') return sendHtml(res, 405, page('Error', '<p>Method not allowed</p>'));
    const form = new URLSearchParams(await readBody(req));
    const username = form.get('username') || '';
    const a = accounts.byName.get(username);
    // Compared even for an unknown name so that both cases take as long.
    if (!samePassword(form.get('password')) || !a) {
      console.log(`idp: refused sign-in for ${JSON.stringify(username)}`);
      return sendHtml(res, 200, signin.loginPage(uid, signin.language(req, form.get('lang')), username, true));
    }
    console.log(`idp: ${username} signed in`);
    return provider.interactionFinished(req, res, { login: { accountId: a.sub } },
      { mergeWithLastSubmission: false });
  }

  if (prompt.name === 'consent') {
    // First-party clients only: consent is granted for whatever was asked.
    const { Grant } = provider;
    const grant = details.grantId
      ? await Grant.find(details.grantId)
      : new Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(d.missingResourceScopes || {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } },
      { mergeWithLastSubmission: true });
  }

  return sendHtml(res, 400, page('Error', `<p>Unsupported prompt ${escapeHtml(prompt.name)}</p>`));
}

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

// Tokens the provider would issue, or deliberately broken ones, for server
// tests that need every kind of bad token without driving a browser login.
async function testToken(req, res) {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
  let p;
  try {
    p = JSON.parse((await readBody(req)) || '{}');
  } catch {
    return sendJson(res, 400, { error: 'body is not JSON' });
  }
  if (p === null || typeof p !== 'object') return sendJson(res, 400, { error: 'body is not an object' });
  const a = p.sub !== undefined ? accounts.bySub.get(p.sub) : accounts.byName.get(p.username);
  if (!a && p.sub === undefined) return sendJson(res, 404, { error: 'no such account' });
  const alg = p.alg || 'RS256';
  if (alg !== 'RS256' && alg !== 'none') return sendJson(res, 400, { error: 'alg must be RS256 or none' });

  const now = Math.floor(Date.now() / 1000);
  // Same members in the same order as the provider's own JWT access tokens;
  // an unknown sub gets a token that names nobody the provider knows.
  const payload = {
    ...(a ? apiClaims(a) : {}),
    jti: crypto.randomBytes(16).toString('base64url'),
    sub: a ? a.sub : String(p.sub),
    iat: now,
    exp: now + (Number.isFinite(p.exp_in) ? Math.trunc(p.exp_in) : 3600),
    scope: API_SCOPE,
    client_id: 'pharmadesk-portal',
    iss: p.iss ?? issuer,
    aud: p.aud ?? audience,
  };
  if (p.no_exp) delete payload.exp;
  // A null claim removes it, so that tests can build tokens missing anything.
  for (const [k, v] of Object.entries(p.claims || {})) {
    if (v === null) delete payload[k];
    else payload[k] = v;
  }

  // typ as the provider's access tokens carry it (RFC 9068), unless the
  // test asks for another (null: none).
  const typ = p.typ === undefined ? 'at+jwt' : p.typ;
  const header = { alg, ...(typ === null ? {} : { typ }), ...(alg === 'none' ? {} : { kid: signingKey.kid }) };
  const input = `${b64url(header)}.${b64url(payload)}`;
  let signature = '';
  if (alg === 'RS256') {
    const key = crypto.createPrivateKey({ key: signingKey, format: 'jwk' });
    const sig = crypto.sign('sha256', Buffer.from(input), key);
    if (p.bad_signature) sig[0] ^= 0xff;
    signature = sig.toString('base64url');
  }
  return sendJson(res, 200, { access_token: `${input}.${signature}` });
}

const providerCallback = provider.callback();

async function handle(req, res) {
  const { pathname, searchParams } = new URL(req.url, issuer);
  try {
    const m = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(pathname);
    if (m) return await interaction(req, res, m[1], searchParams);
    if (pathname === signin.CSS_PATH && req.method === 'GET') {
      return send(res, 200, 'text/css; charset=utf-8', signin.css);
    }
    if (testTokens && pathname === '/test/token') return await testToken(req, res);
  } catch (err) {
    console.error(`idp: ${req.method} ${pathname}: ${err.message}`);
    if (!res.headersSent) {
      const status = err.statusCode || 500;
      return sendHtml(res, status, page('Error', `<p>${escapeHtml(err.error_description || err.message)}</p>`));
    }
    return undefined;
  }
  return providerCallback(req, res);
}

provider.on('server_error', (ctx, err) => console.error(`idp: server error: ${err.stack || err}`));

const servers = [
  https.createServer(tlsMaterial(), handle).listen(httpsPort, HOST),
  http.createServer(handle).listen(httpPort, HOST),
];

for (const s of servers) {
  s.on('error', (err) => fail(err.message));
}

Promise.all(servers.map((s) => new Promise((resolve) => { s.on('listening', resolve); })))
  .then(() => console.log(`idp: issuer ${issuer}, also http://${HOST}:${httpPort}, accounts ${accountsFile}${testTokens ? ', test tokens on' : ''}`));

function stop(signal) {
  console.log(`idp: ${signal}, stopping`);
  for (const s of servers) {
    s.close();
    s.closeAllConnections?.();
  }
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
