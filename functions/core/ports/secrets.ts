/** Reads a secret's value by reference (Secrets Manager in AWS). Values are never logged. */
export interface SecretReader {
  readSecret(arn: string): Promise<string>;
}
