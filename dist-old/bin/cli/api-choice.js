"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.apiChosen = apiChosen;
/** True when a command goes to an API (`--api URL` or $LIFEBOAT_API) instead of the local catalog. */
function apiChosen(options) {
    return Boolean(options.api ?? process.env.LIFEBOAT_API);
}
//# sourceMappingURL=api-choice.js.map