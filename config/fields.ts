import { z } from 'zod';

/** Field schemas shared by the sections of the configuration schema. */

export const SymbolSchema = z
  .string()
  .regex(/^[A-Z0-9]{2,24}USDT$/, 'must be an upper-case USDT linear perpetual symbol such as BTCUSDT');

export const PresetIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 characters of a-z, 0-9, "_" or "-", starting with a letter or digit');
