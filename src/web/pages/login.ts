/**
 * Signing in: a local account's name and password (the form posts to post.ts, which asks the
 * API's POST /session), and the button of the municipality's own identity provider when OpenID
 * Connect is configured. A signed-in reader sees who they are and can sign out in the header.
 */
import { html, type Html } from '../html.js';
import { roleName } from '../i18n.js';
import { crumbs, formFields, href, layout, type PageContext } from '../layout.js';

export async function loginPage(
  ctx: PageContext,
  state: { error?: string; name?: string; back?: string } = {},
): Promise<Html> {
  const w = ctx.words;
  const asked = state.back ?? ctx.url.searchParams.get('terug') ?? '';
  const back = asked.startsWith(`${ctx.base}/`) || asked === ctx.base ? asked : href(ctx, '/');
  const signedIn = ctx.session.user;
  return layout(ctx, {
    title: w.signIn,
    crumbs: crumbs(ctx, [{ label: w.navHome, href: href(ctx, '/') }, { label: w.signIn }]),
    body: html`<h1>${w.signIn}</h1>
      ${signedIn ? html`<p role="status">${w.signedInAs(signedIn.displayName ?? signedIn.name, roleName(ctx.session.role, ctx.lang))}</p>` : ''}
      <p class="lead">${w.signInIntro}</p>
      ${state.error ? html`<p class="error" role="alert" id="login-error">${state.error}</p>` : ''}
      <form class="login" method="post" action="${ctx.base}/inloggen">
        ${formFields(ctx, back)}
        <div>
          <label for="login-name">${w.userName}</label>
          <input
            id="login-name"
            name="name"
            autocomplete="username"
            required
            maxlength="64"
            value="${state.name ?? ''}"
            ${state.error ? html`aria-describedby="login-error"` : ''}
          />
        </div>
        <div>
          <label for="login-password">${w.password}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength="1024"
          />
        </div>
        <button type="submit">${w.signIn}</button>
      </form>
      ${
        ctx.session.oidc
          ? html`<p class="oidc">
              <a class="button" href="/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(back)}"
                >${w.signInOidc}</a
              >
            </p>`
          : ''
      }`,
  });
}
