'use strict';
// s3rver in its own process (test helper). Usage: node --openssl-legacy-provider server.js DIR BUCKET...
// Prints "listening PORT" once ready. The legacy provider is needed because s3rver encrypts its
// ListObjectsV2 continuation tokens with DES (jamhall/s3rver#818).
//
// Three fixes to s3rver, so the emulator behaves like S3 where Lifeboat depends on it:
// - a create-only write (If-None-Match: * on PutObject or CompleteMultipartUpload) of an existing
//   key fails with 412 PreconditionFailed; s3rver ignores the header and would overwrite;
// - AbortMultipartUpload answers 204 (s3rver says MethodNotAllowed; its parts are never visible);
// - a Range ending at byte 0 (`bytes=0-0`) returns one byte; s3rver returns the whole object.
const fs = require('fs');
const S3rver = require('s3rver');

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});

function objectOf(ctx) {
  const parts = ctx.path.split('/').slice(1);
  if (parts.length < 2) return undefined;
  return { bucket: decodeURIComponent(parts[0]), key: parts.slice(1).map(decodeURIComponent).join('/') };
}

const getObject = server.store.getObject.bind(server.store);
server.store.getObject = async (bucket, key, options) => {
  const object = await getObject(bucket, key, options);
  if (object && object.content && options && options.end === 0) {
    object.content.destroy();
    object.content = fs.createReadStream(server.store.getResourcePath(bucket, key, 'object'), {
      start: 0,
      end: 0,
    });
    object.range = { start: 0, end: 0 };
  }
  return object;
};

server.middleware.unshift(async (ctx, next) => {
  if (ctx.method === 'DELETE' && 'uploadId' in ctx.query) {
    ctx.status = 204;
    return;
  }
  const isPut = ctx.method === 'PUT' && !('partNumber' in ctx.query) && !('uploadId' in ctx.query);
  const isComplete = ctx.method === 'POST' && 'uploadId' in ctx.query;
  const object = objectOf(ctx);
  if ((isPut || isComplete) && object && ctx.get('if-none-match') === '*') {
    if (await server.store.existsObject(object.bucket, object.key)) {
      ctx.status = 412;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
        '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
        '<Condition>If-None-Match</Condition></Error>';
      return;
    }
  }
  await next();
});

server.run().then(
  ({ port }) => process.stdout.write(`listening ${port}\n`),
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
