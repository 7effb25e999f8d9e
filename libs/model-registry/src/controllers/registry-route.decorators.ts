import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiQuery } from '@nestjs/swagger';

/** Every registry route: authenticated; which roles and scopes it takes is the policy set's call. */
export const RegistryRoute = (): ClassDecorator => applyDecorators(ApiBearerAuth());

/** The `:model` path parameter. */
export const ApiModelParam = (): MethodDecorator & ClassDecorator =>
  ApiParam({ name: 'model', description: "The model's id, or its name in the caller's organization." });

/** Documents limit/offset paging on a list route. */
export const ApiPaging = (): MethodDecorator =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }),
    ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } }),
  );
