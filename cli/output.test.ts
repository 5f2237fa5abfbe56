import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { configureColour, worstExitCode } from './output.ts';

describe('configureColour', () => {
  const level = chalk.level;
  afterEach(() => {
    chalk.level = level;
  });

  it('NO_COLOR turns colours off unless FORCE_COLOR asks for them', () => {
    chalk.level = 2;
    configureColour({ FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(chalk.level).toBe(2);
    configureColour({ NO_COLOR: '' });
    expect(chalk.level).toBe(2);
    configureColour({ NO_COLOR: '1' });
    expect(chalk.level).toBe(0);
  });
});

describe('worstExitCode', () => {
  it.each([
    [[0, 2, 254, 1, 255], 1],
    [[0, 2, 254, 255], 255],
    [[2, 254, 0], 254],
    [[0, 2, 0], 2],
    [[0, 0], 0],
    [[], 2],
  ])('%j → %i', (codes, want) => {
    expect(worstExitCode(codes)).toBe(want);
  });
});
