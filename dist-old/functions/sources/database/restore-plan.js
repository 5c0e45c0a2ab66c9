"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.restoreWithoutRename = restoreWithoutRename;
exports.refuseReplacing = refuseReplacing;
const errors_1 = require("../../core/errors");
const connection_1 = require("./connection");
/**
 * The order of a restore without a rename: a new database is dropped again if its restore fails;
 * a partial restore goes into the existing database; replacing a whole database first restores
 * the backup under a staging name (proving it restores), and only then drops the old database
 * and restores again under its name.
 */
async function restoreWithoutRename(request, exists, steps) {
    const fresh = async (database) => {
        await steps.create?.(database);
        try {
            await steps.restoreInto(database, false);
        }
        catch (error) {
            await steps.drop(database);
            throw error;
        }
    };
    if (!exists) {
        await fresh(request.database);
        return { database: request.database, replaced: false, into_existing: false };
    }
    if (request.tables.length > 0) {
        await steps.restoreInto(request.database, true);
        return { database: request.database, replaced: false, into_existing: true };
    }
    const staging = `lifeboat_restore_${request.jobId.toLowerCase()}`;
    await steps.drop(staging);
    await fresh(staging);
    await steps.drop(staging);
    await steps.drop(request.database);
    await fresh(request.database);
    return { database: request.database, replaced: true, into_existing: false };
}
/**
 * A full restore never replaces an existing database unless asked; a partial one never
 * replaces an existing table (collection) unless asked.
 */
async function refuseReplacing(request, conn, existing) {
    if (request.schemas.length > 0)
        throw new errors_1.InputError(`${existing.engine} has no schemas inside a database.`, `Choose ${existing.object}s with --table.`);
    const exists = await existing.databaseExists();
    if (!exists || request.overwrite)
        return { exists };
    if (request.tables.length === 0)
        throw new errors_1.DatabaseError('DB_EXISTS', `Database "${request.database}" already exists on ${(0, connection_1.serverName)(conn)}; a restore does not replace it unless asked to.`, 'Pass --overwrite to replace it (after the backup has been restored once under a staging name), or restore under another name with --database NEW.');
    const present = await existing.present(request.tables);
    if (present.length > 0) {
        const Object_ = `${existing.object[0].toUpperCase()}${existing.object.slice(1)}`;
        throw new errors_1.DatabaseError('DB_EXISTS', `${Object_}(s) ${present.map((t) => `"${t}"`).join(', ')} already exist in database "${request.database}"; a restore does not replace them unless asked to.`, `Pass --overwrite to replace those ${existing.object}s, or restore into another database with --database NEW.`);
    }
    return { exists };
}
//# sourceMappingURL=restore-plan.js.map