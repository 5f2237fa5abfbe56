import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { configureColour } from './output.ts';

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
