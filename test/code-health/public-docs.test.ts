import { join } from 'node:path';
import { publicDocProblems } from './public-docs';

test('every exported symbol of src/ has TSDoc, and every optional input prop its @default', () => {
  const problems = publicDocProblems(join(__dirname, '..', '..')).map((problem) => `${problem.location} ${problem.symbol}: ${problem.problem}`);
  expect(problems).toEqual([]);
});
