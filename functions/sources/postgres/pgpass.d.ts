// The part of pgpass (the .pgpass reader that node-postgres used to bundle) that Lifeboat calls.
declare module 'pgpass/lib/helper' {
  import type { Readable } from 'node:stream';
  export function getPassword(
    connInfo: { host: string; port: number; database: string; user: string },
    stream: Readable,
    callback: (password: string | undefined) => void,
  ): void;
}
