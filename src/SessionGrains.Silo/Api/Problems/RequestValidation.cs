namespace SessionGrains.Silo.Api.Problems;

/// <summary>
/// The one place a request is validated: every route value (each is an identifier in this API)
/// and every <see cref="IValidatable"/> argument, all errors in one 400 <c>validation_failed</c>.
/// </summary>
public static class RequestValidation
{
    /// <summary>Adds the validation filter to the endpoints of <paramref name="builder"/>, and its 400 to their document.</summary>
    public static TBuilder ValidateRequests<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesValidationProblem().AddEndpointFilterFactory((factory, next) =>
        {
            // Found once per endpoint, not per request.
            var validatable = factory.MethodInfo.GetParameters()
                .Where(p => typeof(IValidatable).IsAssignableFrom(p.ParameterType))
                .Select(p => p.Position)
                .ToArray();
            return async context =>
            {
                var validator = new Validator();
                foreach (var (name, value) in context.HttpContext.Request.RouteValues)
                {
                    validator.Identifier(name, value as string);
                }

                foreach (var position in validatable)
                {
                    (context.Arguments[position] as IValidatable)?.Validate(validator);
                }

                return validator.IsValid ? await next(context) : validator.Problem();
            };
        });
}
