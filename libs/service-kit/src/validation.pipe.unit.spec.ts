import { BadRequestException } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AppError } from './app-error';
import { createValidationPipe } from './validation.pipe';

class Sample {
  @IsString() @MaxLength(300) name!: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) top?: number;
}

async function detailsOf(body: unknown): Promise<Array<{ field: string; message: string }>> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: Sample });
  } catch (error) {
    return ((error as BadRequestException).getResponse() as { details: Array<{ field: string; message: string }> }).details;
  }
  throw new Error('expected a BadRequestException, but the body passed validation');
}

describe('validation messages', () => {
  it('gives only the type error', async () => {
    expect(await detailsOf({ name: 1, top: 'abc' })).toEqual([
      { field: 'name', message: 'name must be a string' },
      { field: 'top', message: 'top must be an integer number' },
    ]);
  });

  it('gives range errors for the right type', async () => {
    expect(await detailsOf({ name: 'ok', top: 5000 })).toEqual([{ field: 'top', message: 'top must not be greater than 1000' }]);
  });

  it('names a missing field once', async () => {
    expect(await detailsOf({})).toEqual([{ field: 'name', message: 'name is required' }]);
  });

  it('names a repeated query parameter', async () => {
    class Query {
      @IsOptional() @IsString() workflow?: string;
      @IsOptional() @Matches(/^[^=]+=.*$/, { each: true }) attribute?: string[];
    }
    const pipe = createValidationPipe();
    const metadata = { type: 'query' as const, metatype: Query };
    await expect(async () => pipe.transform({ workflow: ['a', 'b'] }, metadata)).rejects.toEqual(new AppError('invalid_argument', 'workflow is given 2 times; give it once', 'workflow'));
    await expect(pipe.transform({ attribute: ['a=1', 'b=2'] }, metadata)).resolves.toEqual({ attribute: ['a=1', 'b=2'] });
  });
});
