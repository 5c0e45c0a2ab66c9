"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DISTRIBUTED_MAP_RESOURCE = void 0;
exports.isDistributedMap = isDistributedMap;
exports.rewriteDistributedMaps = rewriteDistributedMaps;
exports.runDistributedMap = runDistributedMap;
exports.mapRunArn = mapRunArn;
const jsonpath_plus_1 = require("jsonpath-plus");
const errors_1 = require("../core/errors");
const ids_1 = require("../repository/ids");
/**
 * Distributed Map on one machine. aws-local-stepfunctions runs a Map over an array in its input
 * and silently ignores ItemReader, ItemBatcher, ResultWriter and the tolerated failures; so the
 * local engine rewrites each Distributed Map into a Task that this module carries out: items read
 * from S3 (a JSON, JSONL or CSV object, or a listing), ItemSelector applied, batched, each item or
 * batch run as a child execution of the ItemProcessor (at most MaxConcurrency at once), failures
 * counted against ToleratedFailureCount/Percentage, results written where ResultWriter says.
 */
exports.DISTRIBUTED_MAP_RESOURCE = 'arn:aws:states:::lifeboat-local:distributedMap';
/** The runner's timer limit (setTimeout's 2^31−1 ms): a Map has no timeout of its own. */
const NO_TIMEOUT_SECONDS = 2_147_483;
/** As the runner's inline Map, when MaxConcurrency is 0 or absent. */
const DEFAULT_MAX_CONCURRENCY = 40;
function isDistributedMap(state) {
    if (state.Type !== 'Map')
        return false;
    const mode = state.ItemProcessor?.ProcessorConfig
        ?.Mode;
    return (mode === 'DISTRIBUTED' ||
        ['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailureCount', 'ToleratedFailurePercentage'].some((field) => field in state));
}
/** Fields a Map shares with a Task: how its input and result are placed, its retries and catches. */
const KEPT = [
    'InputPath',
    'ResultPath',
    'ResultSelector',
    'OutputPath',
    'Retry',
    'Catch',
    'Next',
    'End',
    'Comment',
];
/**
 * Replaces every Distributed Map (also inside processors) by a Task on DISTRIBUTED_MAP_RESOURCE
 * whose Parameters carry the state's effective input and its ItemReader's and ResultWriter's
 * parameters, so the runner resolves their paths; the rest goes into the returned specs.
 */
function rewriteDistributedMaps(definition) {
    const specs = new Map();
    const rewrite = (def) => {
        const states = {};
        for (const [name, state] of Object.entries(def.States)) {
            const nested = {};
            if (state.ItemProcessor)
                nested.ItemProcessor = rewrite(state.ItemProcessor);
            if (state.Iterator)
                nested.Iterator = rewrite(state.Iterator);
            if (state.Branches)
                nested.Branches = state.Branches.map(rewrite);
            const current = { ...state, ...nested };
            if (!isDistributedMap(current)) {
                states[name] = current;
                continue;
            }
            specs.set(name, specOf(name, current));
            const task = {
                Type: 'Task',
                Resource: exports.DISTRIBUTED_MAP_RESOURCE,
                Parameters: {
                    'input.$': '$',
                    ...(current.ItemReader ? { reader: current.ItemReader.Parameters ?? {} } : {}),
                    ...(current.ResultWriter
                        ? { writer: current.ResultWriter.Parameters ?? {} }
                        : {}),
                    ...(current.ItemBatcher && current.ItemBatcher.BatchInput
                        ? { batchInput: current.ItemBatcher.BatchInput }
                        : {}),
                },
                TimeoutSeconds: NO_TIMEOUT_SECONDS,
            };
            for (const field of KEPT)
                if (field in current)
                    task[field] = current[field];
            states[name] = task;
        }
        return { ...def, States: states };
    };
    return { definition: rewrite(definition), specs };
}
function specOf(name, state) {
    const processor = (state.ItemProcessor ?? state.Iterator);
    if (!processor)
        throw new errors_1.InputError(`The Map state "${name}" has no ItemProcessor.`);
    const { ProcessorConfig: _config, ...runnable } = processor;
    void _config;
    const unsupported = [
        'MaxConcurrencyPath',
        'ToleratedFailureCountPath',
        'ToleratedFailurePercentagePath',
        'ItemsPointer',
    ].filter((field) => field in state);
    if (unsupported.length > 0)
        throw new errors_1.InputError(`The Map state "${name}" uses ${unsupported.join(', ')}, which the local engine does not emulate.`, 'Give the value itself (MaxConcurrency, ToleratedFailureCount, ToleratedFailurePercentage, ItemsPath).');
    return {
        stateName: name,
        ...(typeof state.ItemsPath === 'string' ? { itemsPath: state.ItemsPath } : {}),
        ...(state.ItemReader ? { itemReader: state.ItemReader } : {}),
        ...(state.ItemSelector || state.Parameters
            ? { itemSelector: (state.ItemSelector ?? state.Parameters) }
            : {}),
        ...(state.ItemBatcher ? { itemBatcher: state.ItemBatcher } : {}),
        processor: runnable,
        maxConcurrency: Number(state.MaxConcurrency ?? 0) || DEFAULT_MAX_CONCURRENCY,
        ...(typeof state.ToleratedFailureCount === 'number'
            ? { toleratedFailureCount: state.ToleratedFailureCount }
            : {}),
        ...(typeof state.ToleratedFailurePercentage === 'number'
            ? { toleratedFailurePercentage: state.ToleratedFailurePercentage }
            : {}),
        ...(state.ResultWriter ? { resultWriter: state.ResultWriter } : {}),
    };
}
/** Runs a Distributed Map for the Task that replaced it; `parameters` are that Task's, resolved. */
async function runDistributedMap(spec, parameters, runner) {
    const raw = spec.itemReader
        ? await readItems(spec.stateName, spec.itemReader, parameters.reader ?? {}, runner)
        : jsonPathValue(spec.itemsPath ?? '$', parameters.input, runner.context);
    if (!Array.isArray(raw))
        throw statesError('States.Runtime', `The items of the Map state "${spec.stateName}" are not an array.`);
    const limited = spec.itemReader?.ReaderConfig?.MaxItems
        ? raw.slice(0, spec.itemReader.ReaderConfig.MaxItems)
        : raw;
    const selected = limited.map((value, index) => spec.itemSelector
        ? template(spec.itemSelector, parameters.input, {
            ...runner.context,
            Map: { Item: { Index: index, Value: value } },
        })
        : value);
    const units = spec.itemBatcher ? batches(spec, selected, parameters.batchInput) : selected;
    const results = new Array(units.length);
    let next = 0;
    const worker = async () => {
        while (next < units.length) {
            const index = next++;
            try {
                results[index] = {
                    ok: true,
                    output: await runner.runChild(spec.processor, units[index], { index, value: units[index] }),
                };
            }
            catch (error) {
                const failed = (error.cause ?? error);
                results[index] = {
                    ok: false,
                    failure: { Error: failed.name ?? 'Error', Cause: failed.message ?? '' },
                };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(spec.maxConcurrency, units.length) }, worker));
    const failures = results.filter((r) => !r.ok).length;
    const tolerated = failures === 0 ||
        (spec.toleratedFailureCount !== undefined && failures <= spec.toleratedFailureCount) ||
        (spec.toleratedFailurePercentage !== undefined &&
            (failures / units.length) * 100 <= spec.toleratedFailurePercentage);
    if (!tolerated) {
        const first = results.find((r) => !r.ok);
        // As a Map Run: past the threshold (0 unless set), the Map fails with this error.
        throw statesError('States.ExceedToleratedFailureThreshold', `${failures} of ${units.length} items of "${spec.stateName}" failed; the first: ${describe(first.failure)}`);
    }
    if (spec.resultWriter)
        return writeResults(spec, parameters.writer ?? {}, results, runner);
    // Without a ResultWriter the output is every child's, in item order; a tolerated failure is
    // its error in that place.
    return results.map((r) => (r.ok ? r.output : r.failure));
}
/** A child's error as a person reads it: a Lambda's JSON Cause gives its message. */
function describe(failure) {
    try {
        const parsed = JSON.parse(failure.Cause);
        if (typeof parsed.errorMessage === 'string')
            return `${failure.Error}: ${parsed.errorMessage}`;
    }
    catch {
        // Not a Lambda's Cause: as it is.
    }
    return `${failure.Error}: ${failure.Cause}`;
}
function statesError(name, message) {
    return Object.assign(new Error(message), { name });
}
async function readItems(stateName, reader, parameters, runner) {
    const bucket = String(parameters.Bucket ?? '');
    if (!bucket)
        throw statesError('States.ItemReaderFailed', `The ItemReader of "${stateName}" names no Bucket.`);
    const store = await runner.openBucket(bucket);
    if (reader.Resource === 'arn:aws:states:::s3:listObjectsV2') {
        const items = [];
        for await (const info of store.list(String(parameters.Prefix ?? '')))
            items.push({
                Key: info.key,
                Size: info.size,
                ...(info.storageClass ? { StorageClass: info.storageClass } : {}),
            });
        return items;
    }
    if (reader.Resource !== 'arn:aws:states:::s3:getObject')
        throw statesError('States.ItemReaderFailed', `The ItemReader of "${stateName}" uses ${reader.Resource}, which the local engine does not read.`);
    const key = String(parameters.Key ?? '');
    const chunks = [];
    for await (const chunk of await store.get(key))
        chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const type = reader.ReaderConfig?.InputType ?? 'JSON';
    try {
        if (type === 'JSON')
            return JSON.parse(text);
        if (type === 'JSONL')
            return text
                .split('\n')
                .filter((line) => line.trim() !== '')
                .map((line) => JSON.parse(line));
        if (type === 'CSV')
            return csvItems(text, reader.ReaderConfig ?? {});
    }
    catch (error) {
        throw statesError('States.ItemReaderFailed', `s3://${bucket}/${key} is not valid ${type}: ${error.message}`);
    }
    throw statesError('States.ItemReaderFailed', `The ItemReader input type ${type} is not read by the local engine.`);
}
const DELIMITERS = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };
/** CSV rows as objects keyed by the header: the first row, or the headers given. */
function csvItems(text, config) {
    // Loaded when a Map reads CSV only: every CLI backup loads the engine, not this parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parse } = require('csv-parse/sync');
    return parse(text, {
        delimiter: DELIMITERS[config.CSVDelimiter ?? 'COMMA'],
        columns: config.CSVHeaderLocation === 'GIVEN' ? (config.CSVHeaders ?? []) : true,
        skip_empty_lines: true,
        relax_column_count: true,
    });
}
function batches(spec, items, batchInput) {
    const maxItems = spec.itemBatcher?.MaxItemsPerBatch ?? Number.POSITIVE_INFINITY;
    const maxBytes = spec.itemBatcher?.MaxInputBytesPerBatch ?? Number.POSITIVE_INFINITY;
    const out = [];
    let current = [];
    let bytes = 0;
    for (const item of items) {
        const size = Buffer.byteLength(JSON.stringify(item));
        if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
            out.push(current);
            current = [];
            bytes = 0;
        }
        current.push(item);
        bytes += size;
    }
    if (current.length > 0)
        out.push(current);
    return out.map((Items) => ({ Items, ...(batchInput !== undefined ? { BatchInput: batchInput } : {}) }));
}
async function writeResults(spec, parameters, results, runner) {
    if (spec.resultWriter?.Resource !== 'arn:aws:states:::s3:putObject')
        throw statesError('States.ResultWriterFailed', `The ResultWriter of "${spec.stateName}" must use s3:putObject.`);
    const bucket = String(parameters.Bucket ?? '');
    const prefix = String(parameters.Prefix ?? '').replace(/\/+$/, '');
    const store = await runner.openBucket(bucket);
    const run = runner.mapRunArn.split(':').pop().split('/').pop();
    const base = [prefix, run].filter(Boolean).join('/');
    const entry = (r, index) => r.ok
        ? { Index: index, Status: 'SUCCEEDED', Output: JSON.stringify(r.output) }
        : { Index: index, Status: 'FAILED', Error: r.failure.Error, Cause: r.failure.Cause };
    const succeeded = results.map(entry).filter((e) => e.Status === 'SUCCEEDED');
    const failed = results.map(entry).filter((e) => e.Status === 'FAILED');
    const files = [
        ...(succeeded.length ? [{ key: `${base}/SUCCEEDED_0.json`, body: succeeded, status: 'SUCCEEDED' }] : []),
        ...(failed.length ? [{ key: `${base}/FAILED_0.json`, body: failed, status: 'FAILED' }] : []),
    ];
    for (const file of files)
        await store.put(file.key, Buffer.from(JSON.stringify(file.body)));
    const manifest = {
        DestinationBucket: bucket,
        MapRunArn: runner.mapRunArn,
        ResultFiles: Object.fromEntries(['FAILED', 'PENDING', 'SUCCEEDED'].map((status) => [
            status,
            files
                .filter((f) => f.status === status)
                .map((f) => ({ Key: f.key, Size: Buffer.byteLength(JSON.stringify(f.body)) })),
        ])),
    };
    const manifestKey = `${base}/manifest.json`;
    await store.put(manifestKey, Buffer.from(JSON.stringify(manifest)));
    return { MapRunArn: runner.mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
}
/** A JSONPath's value: `$...` on the input, `$$...` on the context object. */
function jsonPathValue(path, input, context) {
    const [json, expression] = path.startsWith('$$') ? [context, path.slice(1)] : [input, path];
    const found = (0, jsonpath_plus_1.JSONPath)({ path: expression, json: json, wrap: false });
    return found;
}
/** A payload template (ItemSelector, BatchInput): fields ending in `.$` are paths, the rest as written. */
function template(value, input, context) {
    if (Array.isArray(value))
        return value.map((v) => template(v, input, context));
    if (value === null || typeof value !== 'object')
        return value;
    const out = {};
    for (const [key, v] of Object.entries(value)) {
        if (key.endsWith('.$')) {
            if (typeof v !== 'string' || !v.startsWith('$'))
                throw statesError('States.Runtime', `"${key}": ${JSON.stringify(v)} is not a path the local engine evaluates (intrinsic functions are not emulated here).`);
            out[key.slice(0, -2)] = jsonPathValue(v, input, context);
        }
        else
            out[key] = template(v, input, context);
    }
    return out;
}
/** A Map Run's ARN, as AWS names one (the execution's, under mapRun/). */
function mapRunArn(executionArn, stateName) {
    const [, , , region, account, , machine, name] = executionArn.split(':');
    return `arn:aws:states:${region}:${account}:mapRun:${machine}/${stateName.replace(/\W/g, '')}:${name}-${(0, ids_1.newUlid)()}`;
}
//# sourceMappingURL=distributed-map.js.map