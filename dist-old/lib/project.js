"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.WORKFLOWS = void 0;
exports.projectRoot = projectRoot;
exports.projectVersion = projectVersion;
exports.adminUiAssets = adminUiAssets;
exports.workflowDefinition = workflowDefinition;
exports.placeholdersOf = placeholdersOf;
exports.isStepPlaceholder = isStepPlaceholder;
exports.stepName = stepName;
exports.handlerEntry = handlerEntry;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
/**
 * The files of this repository that the CDK app deploys, by path (DESIGN.md §2: `lib/` knows
 * handler entry files and ASL files, nothing else of `functions/`). Found from the compiled app
 * (dist/lib) and from the sources (ts-jest) alike, by walking up to package.json.
 */
function projectRoot() {
    for (let dir = __dirname;; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'state-machines')))
            return dir;
        if (path.dirname(dir) === dir)
            throw new Error('The Lifeboat project root was not found above ' + __dirname);
    }
}
/** Lifeboat's version (package.json), built into the Lambda bundles. */
function projectVersion() {
    return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version;
}
/** The built admin UI (scripts/build-ui.js writes it; `npm run build` runs that). */
function adminUiAssets() {
    const dir = path.join(projectRoot(), 'dist', 'ui');
    if (!fs.existsSync(path.join(dir, 'app.js')))
        throw new Error(`The admin UI is not built (${dir} has no app.js): run \`npm run build\` first.`);
    return dir;
}
exports.WORKFLOWS = ['backup', 'restore', 'verify', 'retention'];
/** The text of a workflow exactly as the local engine reads it. */
function workflowDefinition(name) {
    return fs.readFileSync(path.join(projectRoot(), 'state-machines', `${name}.asl.json`), 'utf8');
}
/** The `${Name}` placeholders of a definition, in order of first use. */
function placeholdersOf(definition) {
    return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]))];
}
/** `RunBackupFunctionArn` names the step whose Lambda entry is functions/handlers/run-backup.ts. */
function isStepPlaceholder(placeholder) {
    return placeholder.endsWith('FunctionArn');
}
function stepName(placeholder) {
    return placeholder.replace(/FunctionArn$/, '');
}
function handlerEntry(name) {
    const file = name.replace(/[A-Z]/g, (c, i) => (i === 0 ? '' : '-') + c.toLowerCase());
    const entry = path.join(projectRoot(), 'functions', 'handlers', `${file}.ts`);
    if (!fs.existsSync(entry))
        throw new Error(`No handler for ${name}: ${entry} does not exist.`);
    return entry;
}
//# sourceMappingURL=project.js.map