namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>
/// What a query value bound as text (every value given, so that bad input is a field error) holds,
/// for the document: <see cref="QueryTextTransformer"/> describes the parameter as one value of
/// this type instead of a list of strings.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class QueryTypeAttribute(Type type) : Attribute
{
    /// <summary>The type the value is read as.</summary>
    public Type Type { get; } = type;
}
