import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request. */
export type Fault =
  | { kind: 'pass' }
  /** Answer with this status and an S3/Azure-style error body instead of forwarding. */
  | { kind: 'status'; status: number; code: string; headers?: Record<string, string> }
  /** Drop the connection before answering (the client sees ECONNRESET / socket hang up). */
  | { kind: 'reset' }
  /** Forward, but cut the response body after this many bytes and drop the connection. */
  | { kind: 'truncate'; afterBytes: number };

export interface ProxiedRequest {
  method: string;
  url: string;
  fault: Fault['kind'];
}

/**
 * An HTTP proxy in front of an emulator (s3rver, Azurite) that injects the faults cloud storage
 * really has (throttling, 5xx, dropped connections, bodies cut short) on the requests a test
 * chooses, and records every request so that a test can see the retries happen.
 */
export class FaultProxy {
  readonly requests: ProxiedRequest[] = [];
  private server?: http.Server;

  constructor(
    private readonly upstream: string,
    private readonly plan: (request: http.IncomingMessage, index: number) => Fault,
  ) {}

  async start(): Promise<string> {
    const target = new URL(this.upstream);
    this.server = http.createServer((req, res) => {
      const fault = this.plan(req, this.requests.length);
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', fault: fault.kind });
      if (fault.kind === 'reset') {
        req.resume();
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status') {
        req.resume();
        req.on('end', () => {
          res.writeHead(fault.status, { 'content-type': 'application/xml', ...fault.headers });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected by the test</Message></Error>`,
          );
        });
        return;
      }
      const forward = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          if (fault.kind !== 'truncate') {
            upstream.pipe(res);
            return;
          }
          let sent = 0;
          upstream.on('data', (piece: Buffer) => {
            const room = fault.afterBytes - sent;
            if (room > 0) res.write(piece.subarray(0, room));
            sent += piece.length;
            if (sent >= fault.afterBytes) {
              upstream.destroy();
              res.socket?.destroy();
            }
          });
          upstream.on('end', () => res.end());
        },
      );
      forward.on('error', () => res.socket?.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  count(kind: Fault['kind']): number {
    return this.requests.filter((r) => r.fault === kind).length;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
