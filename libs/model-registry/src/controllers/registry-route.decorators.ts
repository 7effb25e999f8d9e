import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiParam } from '@nestjs/swagger';

/** Every registry route: authenticated; which roles and scopes it takes is the policy set's call. */
export const RegistryRoute = (): ClassDecorator => applyDecorators(ApiBearerAuth());

/** The `:model` path parameter. */
export const ApiModelParam = (): MethodDecorator & ClassDecorator =>
  ApiParam({ name: 'model', description: "The model's id, or its name in the caller's organization." });
