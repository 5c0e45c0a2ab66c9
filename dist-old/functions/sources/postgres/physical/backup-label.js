"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BackupLabelScanner = void 0;
exports.parseBackupLabel = parseBackupLabel;
/**
 * Finds `backup_label` in the tar stream pg_basebackup writes and reads where and when the
 * backup started (the WAL a restore begins replaying from), without keeping the stream.
 * Tar: 512-byte headers (name at 0, size in octal at 124), contents padded to 512 bytes.
 */
class BackupLabelScanner {
    pending = Buffer.alloc(0);
    /** Bytes of the current entry still to skip (or to keep, for backup_label). */
    remaining = 0;
    padding = 0;
    capturing;
    label;
    push(data) {
        if (this.label !== undefined)
            return;
        let buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
        for (;;) {
            if (this.remaining > 0) {
                const take = Math.min(this.remaining, buf.length);
                if (this.capturing)
                    this.capturing.push(Buffer.from(buf.subarray(0, take)));
                this.remaining -= take;
                buf = buf.subarray(take);
                if (this.remaining > 0)
                    break;
                if (this.capturing) {
                    this.label = Buffer.concat(this.capturing).toString('utf8');
                    return;
                }
            }
            if (this.padding > 0) {
                const take = Math.min(this.padding, buf.length);
                this.padding -= take;
                buf = buf.subarray(take);
                if (this.padding > 0)
                    break;
            }
            if (buf.length < 512)
                break;
            const header = buf.subarray(0, 512);
            buf = buf.subarray(512);
            if (header.every((b) => b === 0))
                continue;
            const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
            const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
            this.remaining = size;
            this.padding = (512 - (size % 512)) % 512;
            this.capturing = name === 'backup_label' || name === './backup_label' ? [] : undefined;
            if (this.capturing && size === 0) {
                this.label = '';
                return;
            }
        }
        this.pending = Buffer.from(buf);
    }
}
exports.BackupLabelScanner = BackupLabelScanner;
/** START WAL LOCATION: 0/2000028 (file 000000010000000000000002) ... START TIMELINE: 1 (times come from Lifeboat's clock: the label's are in the server's time zone). */
function parseBackupLabel(text) {
    const location = /^START WAL LOCATION: (\S+) \(file ([0-9A-F]{24})\)$/m.exec(text);
    const timeline = /^START TIMELINE: (\d+)$/m.exec(text);
    if (!location)
        throw new Error('backup_label without START WAL LOCATION');
    return {
        start_lsn: location[1],
        start_wal_file: location[2],
        timeline: timeline ? Number(timeline[1]) : parseInt(location[2].slice(0, 8), 16),
    };
}
//# sourceMappingURL=backup-label.js.map