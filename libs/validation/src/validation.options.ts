import { IsInt, Max, Min } from 'class-validator';
import { ToNumber } from '@infergate/common';

/** The `validation` configuration slice. */
export class ValidationSettings {
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxJsonDepth: number = 64;
}
