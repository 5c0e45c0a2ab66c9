// Valid catalog records for tests, with times on a fixed day (minute n = 10:n UTC).
import type { AuditEntry } from '../../functions/core/model/audit';
import type { Backup } from '../../functions/core/model/backup';
import type { BackupStatus, BackupType } from '../../functions/core/model/enums';
import type { RecoveryJob } from '../../functions/core/model/recovery-job';
import type { BackupSchedule } from '../../functions/core/model/schedule';
import type { Target } from '../../functions/core/model/target';
import type { BackupVerification } from '../../functions/core/model/verification';
import { newUlid } from '../../functions/repository/ids';

export function minuteTime(minute: number): Date {
  return new Date(Date.UTC(2026, 10, 26, 10, minute));
}

const NOW = minuteTime(0).toISOString();

export function target(name: string, dir = `/srv/${name}`): Target {
  return {
    name,
    target_type: 'filesystem',
    target_config: { kind: 'filesystem', paths: [dir], exclude: [], one_file_system: false },
    description: null,
    created_at: NOW,
    updated_at: NOW,
  };
}

export function schedule(name: string, targetName = 'web'): BackupSchedule {
  return {
    id: newUlid(),
    name,
    description: null,
    backup_type: 'incremental',
    target_type: 'filesystem',
    target_config: { target: targetName },
    schedule_cron: '0 2 * * *',
    timezone: 'UTC',
    enabled: true,
    retention_policy: { keep_daily: 7 },
    storage_config: { backend: 'local', location: '/var/lib/lifeboat' },
    encryption_enabled: true,
    compression_enabled: true,
    verification_enabled: true,
    created_at: NOW,
    updated_at: NOW,
    created_by: 'tester',
  };
}

export function backupRecord(options: {
  target: string;
  type?: BackupType;
  status?: BackupStatus;
  minute?: number;
  scheduleId?: string | null;
}): Backup {
  const created = minuteTime(options.minute ?? 0);
  const status = options.status ?? 'pending';
  return {
    id: newUlid(created.getTime()),
    schedule_id: options.scheduleId ?? null,
    backup_type: options.type ?? 'full',
    target_type: 'filesystem',
    target_identifier: options.target,
    parent_backup_id: null,
    status,
    progress: status === 'completed' ? 100 : 0,
    original_size_bytes: null,
    compressed_size_bytes: null,
    final_size_bytes: null,
    encryption_enabled: true,
    encryption_key_id: null,
    compression_algorithm: 'zstd',
    storage_backend: 'local',
    storage_location: '/var/lib/lifeboat',
    storage_metadata: null,
    checksum_algorithm: 'sha256-tree',
    checksum_value: null,
    scheduled_at: null,
    started_at: null,
    completed_at: status === 'completed' ? created.toISOString() : null,
    retention_until: null,
    metadata: null,
    error_message: null,
    created_at: created.toISOString(),
  };
}

export function recoveryJob(backupId: string): RecoveryJob {
  return {
    id: newUlid(),
    backup_id: backupId,
    recovery_type: 'full',
    target_config: { target_dir: '/tmp/restore' },
    point_in_time: null,
    validate_only: false,
    overwrite_existing: false,
    status: 'pending',
    progress: 0,
    steps: [],
    current_step: null,
    started_at: null,
    completed_at: null,
    estimated_completion: null,
    recovered_size_bytes: null,
    error_message: null,
    validation_results: null,
    created_at: NOW,
    created_by: 'tester',
  };
}

export function verification(backupId: string): BackupVerification {
  return {
    id: newUlid(),
    backup_id: backupId,
    verification_type: 'checksum',
    status: 'pending',
    checksum_valid: null,
    restore_test_passed: null,
    data_integrity_verified: null,
    verification_details: null,
    error_message: null,
    started_at: null,
    completed_at: null,
    created_at: NOW,
  };
}

export function auditEntry(user: string, minute: number): AuditEntry {
  const time = minuteTime(minute);
  return {
    id: newUlid(time.getTime()),
    operation_type: 'update',
    entity_type: 'schedule',
    entity_id: null,
    user_id: user,
    action: 'schedule.update',
    details: { minute },
    ip_address: null,
    user_agent: null,
    timestamp: time.toISOString(),
  };
}
