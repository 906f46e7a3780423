import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error body every service's API answers with (and documents in OpenAPI). */
export class ErrorDto {
  @ApiProperty()
  statusCode!: number;
  @ApiProperty({
    description: 'Machine-readable reason, e.g. compression_ratio, illegal_transition',
  })
  code!: string;
  @ApiProperty({ description: 'What went wrong and what to do about it' })
  message!: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'One entry per invalid field, when the request failed validation',
  })
  problems?: unknown[];
}
