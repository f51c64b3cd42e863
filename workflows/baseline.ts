// The lifecycle baseline new movements start on (./versions.ts says what it means). Alone in its
// module so that the configuration and the starters read it without loading workflow code.
export const BASELINE = 2;
