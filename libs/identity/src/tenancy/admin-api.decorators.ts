import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery } from '@nestjs/swagger';
import { RequireScopes } from '../authentication/scopes.decorator';

/** Every admin route: authenticated (bearer token or API key) with the `admin` scope. */
export const AdminRoute = (): ClassDecorator => applyDecorators(RequireScopes('admin'), ApiBearerAuth());

/** Documents limit/offset paging on a list route. */
export const ApiPaging = (): MethodDecorator =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }),
    ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } }),
  );
