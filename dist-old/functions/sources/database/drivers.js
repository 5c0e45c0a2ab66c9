"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.drivers = void 0;
/**
 * The database drivers, loaded when a job first needs one rather than when the CLI starts:
 * together they cost about 190 ms of start-up (measured here: mongodb 108 ms, mysql2 53 ms,
 * pg 18 ms, bson 10 ms), which every command, a file backup included, would otherwise pay.
 * Node's module cache makes each a one-time cost.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
exports.drivers = {
    pg: () => require('pg'),
    mysql: () => require('mysql2/promise'),
    mongodb: () => require('mongodb'),
    bson: () => require('bson'),
};
//# sourceMappingURL=drivers.js.map