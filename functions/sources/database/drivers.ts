/**
 * The database drivers, loaded when a job first needs one rather than when the CLI starts:
 * together they cost about 190 ms of start-up (measured here: mongodb 108 ms, mysql2 53 ms,
 * pg 18 ms, bson 10 ms), which every command, a file backup included, would otherwise pay.
 * Node's module cache makes each a one-time cost.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const drivers = {
  pg: (): typeof import('pg') => require('pg'),
  mysql: (): typeof import('mysql2/promise') => require('mysql2/promise'),
  mongodb: (): typeof import('mongodb') => require('mongodb'),
  bson: (): typeof import('bson') => require('bson'),
};
