/**
 * Stands in for `undici` in the bundle. @actions/http-client imports `ProxyAgent` from it for one method,
 * `getAgentDispatcher`, which only @actions/github calls — and the action does not use @actions/github
 * (src/action/github-api.ts calls the REST API through HttpClient, which tunnels through a proxy itself).
 * Node's own `fetch` is undici already: a second copy cost 400 KiB of dist/ and its parse time at every start.
 */
export class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is not bundled with the action: HttpClient.getAgentDispatcher is not supported (use HttpClient.request).'
    );
  }
}
