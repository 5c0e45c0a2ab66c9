"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.databaseStrategy = databaseStrategy;
const strategy_1 = require("../mongodb/strategy");
const strategy_2 = require("../mysql/strategy");
const strategy_3 = require("../postgres/strategy");
const STRATEGIES = {
    postgres: strategy_3.postgresStrategy,
    mysql: strategy_2.mysqlStrategy,
    mongodb: strategy_1.mongodbStrategy,
};
/** The strategy of a database kind (functions/sources/<kind>). */
function databaseStrategy(kind) {
    return STRATEGIES[kind];
}
//# sourceMappingURL=strategies.js.map