/** The generator's name and output version, apart from the generator so reading it loads nothing else. */

/** The generator's name and output version; the version changes whenever output bytes do. */
export const GENERATOR = { name: 'irbook-sample', version: '1.3.0' } as const;
