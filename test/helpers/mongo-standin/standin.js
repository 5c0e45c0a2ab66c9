// A stand-in for mongodump and mongorestore (MongoDB Database Tools 100.x), for tests on machines
// where no MongoDB server can be installed. It keeps "databases" as JSON files in ../mongo-state
// (next to the directory the test copies it into), writes and reads real mongodump archives
// (magic, header, metadata, namespace blocks; BSON from the bson package), logs each call's
// arguments, and can be told to fail: ../mongo-state/fail holds "midstream", "garbage" or nothing.
'use strict';
const { Buffer } = require('node:buffer');
const fs = require('node:fs');
const path = require('node:path');
const { serialize, deserialize, Long } = require(path.join(__dirname, 'node_modules-link', 'bson'));

const MAGIC = 0x8199e26d;
const TERMINATOR = Buffer.from([0xff, 0xff, 0xff, 0xff]);

module.exports = function run(tool) {
  const state = path.join(path.dirname(process.argv[1]), '..', 'mongo-state');
  fs.mkdirSync(state, { recursive: true });
  const args = process.argv.slice(2);
  const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const options = (name) =>
    args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
  if (args[0] === '--version') {
    process.stdout.write(`${tool} version: 100.10.0\ngit version: standin\n`);
    return;
  }
  const config = option('config');
  const configMode = config ? (fs.statSync(config).mode & 0o777).toString(8) : null;
  fs.appendFileSync(path.join(state, 'calls.jsonl'), `${JSON.stringify({ tool, args, configMode })}\n`);
  const expected = path.join(state, 'password');
  if (fs.existsSync(expected)) {
    const given = config ? /^password:\s*(.*)$/m.exec(fs.readFileSync(config, 'utf8'))?.[1] : undefined;
    if (given === undefined || JSON.parse(given) !== fs.readFileSync(expected, 'utf8')) {
      process.stderr.write(
        `${new Date().toISOString()}\tFailed: can't create session: failed to connect: connection() error: auth error: sasl conversation error: unable to authenticate using mechanism "SCRAM-SHA-256": (AuthenticationFailed) Authentication failed.\n`,
      );
      process.exit(1);
    }
  }
  const fail = fs.existsSync(path.join(state, 'fail'))
    ? fs.readFileSync(path.join(state, 'fail'), 'utf8').trim()
    : '';
  const dbFile = (db) => path.join(state, `${db}.json`);
  const load = (db) =>
    fs.existsSync(dbFile(db)) ? JSON.parse(fs.readFileSync(dbFile(db), 'utf8')) : { collections: {} };

  if (tool === 'mongodump') {
    const db = option('db');
    const excluded = new Set(options('excludeCollection'));
    const data = load(db);
    const names = Object.keys(data.collections)
      .filter((c) => !excluded.has(c))
      .sort();
    if (fail === 'garbage') {
      process.stdout.write(Buffer.from('this is not an archive'));
      return;
    }
    const parts = [];
    const magic = Buffer.alloc(4);
    magic.writeUInt32LE(MAGIC);
    parts.push(
      magic,
      serialize({
        concurrent_collections: 1,
        version: '0.1',
        server_version: '7.0.0-standin',
        tool_version: '100.10.0',
      }),
    );
    for (const c of names)
      parts.push(serialize({ db, collection: c, metadata: '{"indexes":[]}', size: 0, type: 'collection' }));
    parts.push(TERMINATOR);
    for (const c of names) {
      parts.push(serialize({ db, collection: c, EOF: false, CRC: Long.fromNumber(0) }));
      for (const doc of data.collections[c]) parts.push(Buffer.from(doc, 'base64'));
      parts.push(
        TERMINATOR,
        serialize({ db, collection: c, EOF: true, CRC: Long.fromNumber(0) }),
        TERMINATOR,
      );
    }
    const archive = Buffer.concat(parts);
    if (fail === 'midstream') {
      process.stdout.write(archive.subarray(0, Math.floor(archive.length / 2)), () => {
        process.stderr.write(
          `${new Date().toISOString()}\tFailed: error writing data for collection \`${db}.${names[0]}\` to disk: connection reset by peer\n`,
        );
        process.exit(1);
      });
      return;
    }
    process.stdout.write(archive);
    return;
  }

  // mongorestore --archive from stdin
  const input = fs.readFileSync(0);
  const from = option('nsFrom').replace(/\.\*$/, '');
  const to = option('nsTo').replace(/\.\*$/, '');
  const include = options('nsInclude');
  const drop = args.includes('--drop');
  if (input.readUInt32LE(0) !== MAGIC) {
    process.stderr.write('Failed: stream or file does not appear to be a mongodump archive\n');
    process.exit(1);
  }
  const target = load(to);
  let offset = 4;
  const next = () => {
    const length = input.readUInt32LE(offset);
    if (length === 0xffffffff) {
      offset += 4;
      return null;
    }
    const doc = input.subarray(offset, offset + length);
    offset += length;
    return doc;
  };
  next(); // header
  while (next() !== null); // metadata
  const restored = new Set();
  while (offset < input.length) {
    const header = deserialize(next());
    const chosen =
      header.db === from && include.some((p) => p === `${from}.*` || p === `${from}.${header.collection}`);
    const docs = [];
    for (let doc = next(); doc !== null; doc = next()) docs.push(doc.toString('base64'));
    if (!chosen || header.EOF) continue;
    if (!restored.has(header.collection)) {
      restored.add(header.collection);
      if (drop || !target.collections[header.collection]) target.collections[header.collection] = [];
    }
    target.collections[header.collection].push(...docs);
  }
  fs.writeFileSync(dbFile(to), JSON.stringify(target));
  process.stderr.write(`${new Date().toISOString()}\t${restored.size} collection(s) restored\n`);
};
