// asl-validator ships no usable types for CommonJS consumers; this is the call the tests make.
declare module 'asl-validator' {
  function aslValidator(
    definition: object,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: unknown[] };
  export = aslValidator;
}
