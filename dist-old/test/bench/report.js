"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.roundRatios = roundRatios;
exports.evaluateGoals = evaluateGoals;
exports.renderMarkdown = renderMarkdown;
// Turns case results into goal verdicts, a Markdown report and a JSON document.
const config_1 = require("./config");
function find(results, dataset, c, tool) {
    return results.find((r) => r.dataset === dataset && r.case === c && r.tool === tool);
}
function ratio(a, b) {
    if (a === undefined || b === undefined || b <= 0)
        return undefined;
    return a / b;
}
/** Lifeboat / restic for one case and one metric, only when both runs succeeded. */
function caseRatio(results, dataset, c, metric) {
    const l = find(results, dataset, c, 'lifeboat');
    const r = find(results, dataset, c, 'restic');
    if (!l?.ok || !r?.ok)
        return undefined;
    return ratio(metric(l), metric(r));
}
/**
 * Lifeboat / restic in each round, paired by round (the tree part runs both in every round, case
 * by case): how far the load moved the ratio, which the ratio of medians does not show.
 */
function roundRatios(results, dataset, c, metric) {
    const l = find(results, dataset, c, 'lifeboat')?.runs ?? [];
    const r = find(results, dataset, c, 'restic')?.runs ?? [];
    const out = [];
    for (let i = 0; i < Math.min(l.length, r.length); i++) {
        const li = l[i];
        const ri = r[i];
        if (!li?.ok || !ri?.ok)
            continue;
        const v = ratio(metric(li), metric(ri));
        if (v !== undefined)
            out.push(v);
    }
    return out;
}
function ratioGoal(dataset, goal, value, limit, issue = config_1.STREAM_GOALS_ISSUE) {
    if (value === undefined)
        return { issue, dataset, goal, measured: '—', status: 'not measured' };
    return {
        issue,
        dataset,
        goal,
        measured: `${value.toFixed(2)}×`,
        status: value <= limit ? 'met' : 'NOT met',
    };
}
const wall = (r) => r.wallS;
const growth = (r) => r.growthBytes;
function evaluateGoals(results, datasets) {
    const goals = [];
    for (const ds of datasets) {
        const k = ds.key;
        if (k === 'tree') {
            goals.push(...treeGoals(results, k));
            continue;
        }
        goals.push(ratioGoal(k, `full backup wall time ≤ ${config_1.GOALS.fullWallRatio}× restic`, caseRatio(results, k, 'full', wall), config_1.GOALS.fullWallRatio), ratioGoal(k, `incremental wall time ≤ ${config_1.GOALS.incrementalWallRatio}× restic`, caseRatio(results, k, 'incremental', wall), config_1.GOALS.incrementalWallRatio), ratioGoal(k, `incremental stored growth ≤ ${config_1.GOALS.incrementalGrowthRatio}× restic`, caseRatio(results, k, 'incremental', growth), config_1.GOALS.incrementalGrowthRatio), ratioGoal(k, `restore wall time ≤ ${config_1.GOALS.restoreWallRatio}× restic`, caseRatio(results, k, 'restore', wall), config_1.GOALS.restoreWallRatio));
        const ours = results.filter((r) => r.dataset === k && r.tool === 'lifeboat');
        goals.push(rssGoal(k, `Lifeboat peak RSS ≤ ${config_1.GOALS.peakRssMiB} MiB in every case`, ours, 3));
    }
    for (const r of results.filter((x) => x.dataset === 'memory' && x.tool === 'lifeboat')) {
        goals.push(rssGoal('memory', `Lifeboat peak RSS ≤ ${config_1.GOALS.peakRssMiB} MiB on a ${r.label} stream`, [r], 1));
    }
    goals.push(...cloudGoals(results));
    return goals;
}
/** The cloud-targets issue set the bound for streams through S3 and Azure. */
const CLOUD_GOALS_ISSUE = 6;
const STORE_NAMES = {
    local: 'local',
    s3: 'S3 (s3rver)',
    azure: 'Azure Blob (Azurite)',
};
/** The cloud part's results of one store and size: its backup, then its restore. */
function cloudPair(results, store, label) {
    return results.filter((r) => r.dataset === 'cloud' && r.store === store && r.label === label);
}
/**
 * The same bound as for local streams, on each cloud stream's backup and restore: an upload that
 * buffered its parts or blocks per pack would grow with concurrency, not with the stream.
 */
function cloudGoals(results) {
    const seen = new Set();
    const goals = [];
    for (const r of results) {
        const store = r.store;
        if (r.dataset !== 'cloud' || store === undefined || store === 'local')
            continue;
        const key = `${store} ${r.label}`;
        if (seen.has(key))
            continue;
        seen.add(key);
        goals.push(rssGoal('cloud', `Lifeboat peak RSS ≤ ${config_1.GOALS.peakRssMiB} MiB backing up and restoring a ${r.label} stream in ${STORE_NAMES[store]}`, cloudPair(results, store, r.label), 2, CLOUD_GOALS_ISSUE));
    }
    return goals;
}
/** Issue 3, filesystem backup: everything relative to restic on the same tree. */
function treeGoals(results, k) {
    const g = config_1.TREE_GOALS;
    const goal = (text, value, limit) => ratioGoal(k, text, value, limit, g.issue);
    const goals = [
        goal(`first backup wall time ≤ ${g.fullWallRatio}× restic`, caseRatio(results, k, 'full', wall), g.fullWallRatio),
        goal(`second backup wall time ≤ ${g.incrementalWallRatio}× restic`, caseRatio(results, k, 'incremental', wall), g.incrementalWallRatio),
        goal(`second backup stored growth ≤ ${g.incrementalGrowthRatio}× restic`, caseRatio(results, k, 'incremental', growth), g.incrementalGrowthRatio),
        goal(`restore wall time ≤ ${g.restoreWallRatio}× restic`, caseRatio(results, k, 'restore', wall), g.restoreWallRatio),
        goal(`repository size after the first backup ≤ ${g.repoSizeRatio}× restic`, caseRatio(results, k, 'full', (r) => r.repoBytes), g.repoSizeRatio),
    ];
    // Peak RSS against restic's in each case; the worst case is the one reported.
    const cases = ['full', 'incremental', 'restore'];
    const measured = [];
    for (const c of cases) {
        const v = caseRatio(results, k, c, (r) => r.peakRssMiB);
        if (v !== undefined)
            measured.push({ c, v });
    }
    const text = `Lifeboat peak RSS ≤ ${g.peakRssRatio}× restic's in every case`;
    if (measured.length < cases.length) {
        goals.push({
            issue: g.issue,
            dataset: k,
            goal: text,
            measured: `${measured.length}/${cases.length} cases ran`,
            status: 'not measured',
        });
    }
    else {
        const worst = measured.reduce((a, b) => (b.v > a.v ? b : a));
        goals.push({
            issue: g.issue,
            dataset: k,
            goal: text,
            measured: `${worst.v.toFixed(2)}× (${worst.c})`,
            status: worst.v <= g.peakRssRatio ? 'met' : 'NOT met',
        });
    }
    return goals;
}
function rssGoal(dataset, goal, runs, expected, issue = config_1.STREAM_GOALS_ISSUE) {
    const ok = runs.filter((r) => r.ok && r.peakRssMiB !== undefined);
    if (ok.length < expected)
        return { issue, dataset, goal, measured: `${ok.length}/${expected} cases ran`, status: 'not measured' };
    const max = Math.max(...ok.map((r) => r.peakRssMiB ?? 0));
    return {
        issue,
        dataset,
        goal,
        measured: `${max.toFixed(0)} MiB`,
        status: max <= config_1.GOALS.peakRssMiB ? 'met' : 'NOT met',
    };
}
const n2 = (v) => (v === undefined ? '—' : v.toFixed(2));
const n1 = (v) => (v === undefined ? '—' : v.toFixed(1));
const mib = (b) => (b === undefined ? '—' : (b / config_1.MiB).toFixed(1));
function table(head, align, rows) {
    return [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
/** withTotal: second backups show the repository's size as well as its growth. */
function caseRows(rs, withTotal = false) {
    return rs.map((r) => {
        const name = r.case === 'stream' ? `stream ${r.label}` : r.case;
        const stored = r.case.startsWith('restore')
            ? r.verified
                ? 'sha256 ok'
                : '—'
            : r.case === 'incremental'
                ? r.growthBytes === undefined
                    ? '—'
                    : withTotal
                        ? `${mib(r.repoBytes)} (+${mib(r.growthBytes)})`
                        : `+${mib(r.growthBytes)}`
                : mib(r.repoBytes);
        if (!r.ok)
            return [name, r.tool, 'FAILED', '—', n1(r.peakRssMiB), stored];
        const cpu = r.userS === undefined || r.sysS === undefined
            ? '—'
            : `${n2(r.userS + r.sysS)} (${n2(r.userS)}+${n2(r.sysS)})`;
        return [name, r.tool, n2(r.wallS), cpu, n1(r.peakRssMiB), stored];
    });
}
function failures(rs) {
    return rs
        .filter((r) => !r.ok)
        .map((r) => {
        const lines = (r.error ?? 'failed').split('\n');
        return `- ${r.case === 'stream' ? `stream ${r.label}` : r.case} / ${r.tool}: ${lines[0] ?? ''}${lines.length > 1
            ? `\n\n  \`\`\`\n${lines
                .slice(1)
                .map((l) => `  ${l}`)
                .join('\n')}\n  \`\`\``
            : ''}`;
    });
}
const mibPerS = (r) => r.ok && r.inputBytes !== undefined && r.wallS ? r.inputBytes / config_1.MiB / r.wallS : undefined;
/** The cloud part: each store's backup and restore beside the local repository's of the same size. */
function cloudSection(all, cloud) {
    const head = [
        'stream',
        'store',
        'case',
        'wall s',
        'MiB/s',
        'wall × local',
        'CPU s (user+sys)',
        'peak RSS MiB',
        'RSS × local',
    ];
    const align = ['---', '---', '---', '--:', '--:', '--:', '--:', '--:', '--:'];
    const rows = cloud.map((r) => {
        const what = r.case === 'restore' ? (r.verified ? 'restore (checksum verified)' : 'restore') : 'backup';
        const store = r.store ?? 'local';
        const local = cloudPair(all, 'local', r.label).find((l) => l.case === r.case && l.ok);
        const vsLocal = (metric) => store === 'local' || !r.ok || !local ? '—' : n2(ratio(metric(r), metric(local)));
        if (!r.ok)
            return [r.label, STORE_NAMES[store], what, 'FAILED', '—', '—', '—', n1(r.peakRssMiB), '—'];
        const cpu = r.userS === undefined || r.sysS === undefined
            ? '—'
            : `${n2(r.userS + r.sysS)} (${n2(r.userS)}+${n2(r.sysS)})`;
        return [
            r.label,
            STORE_NAMES[store],
            what,
            n2(r.wallS),
            n1(mibPerS(r)),
            vsLocal(wall),
            cpu,
            n1(r.peakRssMiB),
            vsLocal((x) => x.peakRssMiB),
        ];
    });
    const out = [
        '## Cloud: generated streams into S3 and Azure Blob (emulators on this machine)',
        '',
        "The memory part's stream (unique, incompressible) backed up into a fresh repository in each store " +
            'and restored to /dev/null; the local repository runs in the same run as the reference. ' +
            "s3rver and Azurite run on the same cores as Lifeboat, so throughput is this set-up's, not the " +
            "services'; peak RSS is Lifeboat's process alone.",
        '',
        table(head, align, rows),
        '',
    ];
    const failed = cloud
        .filter((r) => !r.ok)
        .map((r) => {
        const [first = '', ...rest] = (r.error ?? 'failed').split('\n');
        const name = `${r.label} ${STORE_NAMES[r.store ?? 'local']} ${r.case === 'restore' ? 'restore' : 'backup'}`;
        const detail = rest.length ? `\n\n  \`\`\`\n${rest.map((l) => `  ${l}`).join('\n')}\n  \`\`\`` : '';
        return `- ${name}: ${first}${detail}`;
    });
    if (failed.length)
        out.push('Failures:', '', ...failed, '');
    return out;
}
function renderMarkdown(rep) {
    const m = rep.machine;
    const out = [];
    out.push('# Lifeboat benchmark', '');
    if (rep.quick)
        out.push('**Quick mode** (200 MiB tar prefix, small pgbench scale, part of the source tree, small streams): ' +
            'for development only.', '');
    out.push(table(['machine', ''], ['---', '---'], [
        ['CPU', `${m.cpu}, ${m.cores} cores`],
        ['RAM', `${m.ramGiB} GiB`],
        ['kernel', m.kernel],
        ['load at start', m.loadAtStart],
        ['node', m.node],
        ['Lifeboat', `${m.lifeboatCommit} — \`${m.lifeboatCommand}\``],
        ['restic', m.restic],
        ['borg', m.borg],
        ['PostgreSQL', m.postgres],
        ['run', `${rep.startedAt} → ${rep.finishedAt}`],
    ]), '');
    for (const note of rep.notes)
        out.push(`> ${note}`, '');
    const head = ['case', 'tool', 'wall s', 'CPU s (user+sys)', 'peak RSS MiB', 'stored MiB (growth)'];
    const align = ['---', '---', '--:', '--:', '--:', '--:'];
    for (const ds of rep.datasets) {
        const rs = rep.results.filter((r) => r.dataset === ds.key);
        const tree = ds.files !== undefined;
        out.push(`## ${ds.name} (${mib(ds.baseBytes)} MiB${tree ? ` in ${ds.files} files` : ''})`, '', `Second backup: ${mib(ds.changedBytes)} MiB, ${ds.changeNote}. Restore is of the first backup, ` +
            `${ds.restoreCheck ?? 'checked by SHA-256'}. ` +
            `${rep.repeats > 1 ? `Median of ${rep.repeats} runs, each with fresh repositories.` : 'One run.'}`, '', table(head, align, caseRows(rs, tree)), '');
        const cpu = (r) => r.userS === undefined || r.sysS === undefined ? undefined : r.userS + r.sysS;
        const cases = ['full', 'incremental', 'restore'];
        if (rs.some((r) => r.case === 'restore-read-back'))
            cases.push('restore-read-back');
        const byRound = (c) => roundRatios(rep.results, ds.key, c, (r) => r.wallS)
            .map((v) => v.toFixed(2))
            .join(', ') || '—';
        const ratios = cases.map((c) => [
            c,
            n2(caseRatio(rep.results, ds.key, c, (r) => r.wallS)),
            ...(tree ? [byRound(c), n2(caseRatio(rep.results, ds.key, c, cpu))] : []),
            c.startsWith('restore') ? '—' : n2(caseRatio(rep.results, ds.key, c, (r) => r.growthBytes)),
            n2(caseRatio(rep.results, ds.key, c, (r) => r.peakRssMiB)),
        ]);
        // For the full backup the growth is the repository's whole size.
        const ratioHead = tree
            ? [
                'case',
                'wall time',
                'wall time by round',
                'CPU time',
                'stored (full: size, then growth)',
                'peak RSS',
            ]
            : ['case', 'wall time', 'stored growth', 'peak RSS'];
        out.push(`### ${ds.name}: Lifeboat / restic`, '', table(ratioHead, ratioHead.map((_, i) => (i === 0 ? '---' : '--:')), ratios), '');
        const f = failures(rs);
        if (f.length)
            out.push('Failures:', '', ...f, '');
    }
    const streams = rep.results.filter((r) => r.dataset === 'memory');
    if (streams.length) {
        out.push('## Memory: generated streams (unique, incompressible)', '', table(head, align, caseRows(streams)), '');
        const f = failures(streams);
        if (f.length)
            out.push('Failures:', '', ...f, '');
    }
    const cloud = rep.results.filter((r) => r.dataset === 'cloud');
    if (cloud.length)
        out.push(...cloudSection(rep.results, cloud));
    out.push('## Goals', '', table(['issue', 'dataset', 'goal', 'measured', 'status'], ['--:', '---', '---', '--:', '---'], rep.goals.map((g) => [String(g.issue), g.dataset, g.goal, g.measured, g.status])), '');
    return out.join('\n');
}
//# sourceMappingURL=report.js.map