import * as fs from 'node:fs';
import { InputError } from '../../core/errors';
import type { CredentialRef } from '../../core/model/target';
import type { SecretReader } from '../../core/ports/secrets';

/** A password in memory for one job, or the file the tools read it from. */
export interface ResolvedCredential {
  password?: string;
  /** A .pgpass or MySQL option file, handed to the tools by path. */
  file?: string;
}

/** A JSON secret (RDS and Secrets Manager rotation write these) keeps it in `password`. */
function passwordOf(secret: string): string {
  if (secret.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(secret) as { password?: unknown };
      if (typeof parsed.password === 'string') return parsed.password;
    } catch {
      // Not JSON after all: the whole string is the password.
    }
  }
  return secret;
}

/** Resolves a target's credential reference at run time; the value lives only in this job. */
export async function resolveCredential(
  ref: CredentialRef,
  secrets: SecretReader | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedCredential> {
  switch (ref.source) {
    case 'none':
      return {};
    case 'env': {
      const password = env[ref.variable];
      if (password === undefined)
        throw new InputError(
          `The variable ${ref.variable}, which the target names for its password, is not set.`,
          `Set ${ref.variable} in the environment of the process that runs the job (the CLI or \`lifeboat serve\`).`,
        );
      return { password };
    }
    case 'file':
      try {
        fs.accessSync(ref.path, fs.constants.R_OK);
      } catch {
        throw new InputError(
          `The password file ${ref.path} named by the target cannot be read.`,
          'Check that it exists and that the user running Lifeboat may read it (mode 0600).',
        );
      }
      return { file: ref.path };
    case 'secret':
      if (!secrets)
        throw new InputError(
          'The target keeps its password in AWS Secrets Manager, which this process cannot reach.',
          'Run it with AWS credentials (the standard variables or profile), or use --password-env locally.',
        );
      return { password: passwordOf(await secrets.readSecret(ref.arn)) };
  }
}
