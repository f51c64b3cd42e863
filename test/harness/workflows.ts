// The bundle the test run builds once: Corridor's workflows plus the few that only tests use.
export * from '../../workflows/index.ts';
export * from './test-workflows.ts';
