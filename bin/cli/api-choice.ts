/** True when a command goes to an API (`--api URL` or $LIFEBOAT_API) instead of the local catalog. */
export function apiChosen(options: { api?: string }): boolean {
  return Boolean(options.api ?? process.env.LIFEBOAT_API);
}
