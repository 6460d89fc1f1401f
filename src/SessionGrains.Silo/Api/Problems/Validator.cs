using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SessionGrains.Silo.Api.Problems;

/// <summary>Collects field errors for one request; the answer is a 400 when any were found.</summary>
public sealed class Validator
{
    // Made at the first error: every request is validated, and most have none.
    private Dictionary<string, List<string>>? _errors;

    // The contract's specific code when every error found has it (page_too_deep, invalid_cursor);
    // any other error makes the answer the general validation_failed.
    private string? _code;
    private bool _general;

    // Set on the view of a nested object: its errors are recorded in the outer validator.
    private readonly Validator? _outer;
    private readonly string _prefix = "";

    /// <summary>A validator for one request, without errors.</summary>
    public Validator()
    {
    }

    private Validator(Validator outer, string prefix)
    {
        _outer = outer;
        _prefix = prefix;
    }

    /// <summary>True when no error was recorded.</summary>
    public bool IsValid => _outer?.IsValid ?? _errors is null;

    /// <summary>
    /// The validator of the nested object <paramref name="field"/>: its errors are this one's, each
    /// named by path (<c>query.status</c>), so a rule written for a top-level request (a query
    /// string) serves the same values nested in a body unchanged.
    /// </summary>
    public Validator Within(string field) => new(_outer ?? this, $"{_prefix}{field}.");

    /// <summary>Records an error against a field.</summary>
    public void Add(string field, string message)
    {
        if (_outer is not null)
        {
            _outer.Add(_prefix + field, message);
            return;
        }

        _general = true;
        Record(field, message);
    }

    /// <summary>
    /// Records an error that the contract gives a code of its own; the answer carries that code
    /// unless another kind of error was found too.
    /// </summary>
    public void Add(string field, string message, string code)
    {
        if (_outer is not null)
        {
            _outer.Add(_prefix + field, message, code);
            return;
        }

        _code ??= code;
        _general |= _code != code;
        Record(field, message);
    }

    private void Record(string field, string message)
    {
        _errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Checks that a field is given; false when it is not.</summary>
    public bool Required(string field, object? value)
    {
        if (value is null)
        {
            Add(field, "is required.");
        }

        return value is not null;
    }

    /// <summary>The one value of a query parameter bound as text (null when absent); an error when it is given more than once.</summary>
    public string? Once(string field, StringValues values)
    {
        if (values.Count > 1)
        {
            Add(field, "must be given once.");
        }

        return values.Count == 0 ? null : values[0];
    }

    /// <summary>An ISO 8601 timestamp (UTC when it names no offset); null, and an error, when it is not one.</summary>
    public DateTimeOffset? Timestamp(string field, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        Add(field, "must be an ISO 8601 timestamp, e.g. 2026-11-25T19:29:28Z.");
        return null;
    }

    /// <summary>Checks an identifier (1-128 of A-Z a-z 0-9 . _ @ + -).</summary>
    public void Identifier(string field, string? value, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "is required.");
            }

            return;
        }

        if (!Grains.Identifier.IsValid(value))
        {
            Add(field, "must be 1-128 characters of A-Z a-z 0-9 . _ @ + -.");
        }
    }

    /// <summary>
    /// Checks an optional free-text field's length and refuses control characters, which a name
    /// shown on one line of a table must not carry; <paramref name="lineBreaks"/> lets prose
    /// (a reason) keep its line breaks and tabs.
    /// </summary>
    public void Text(string field, string? value, int maxLength, bool required = false, bool lineBreaks = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "is required.");
            }

            return;
        }

        if (value.Length > maxLength || (required && value.Length == 0))
        {
            Add(field, required ? $"must be 1-{maxLength} characters." : $"must be at most {maxLength} characters.");
        }

        if (value.Any(c => char.IsControl(c) && !(lineBreaks && c is '\n' or '\r' or '\t')))
        {
            Add(field, lineBreaks ? "must not contain control characters other than line breaks and tabs." : "must not contain control characters.");
        }
    }

    /// <summary>Checks an IPv4 or IPv6 address.</summary>
    public void IpAddress(string field, string? value)
    {
        if (value is null)
        {
            Add(field, "is required.");
        }
        else if (value.Length > 45 || !System.Net.IPAddress.TryParse(value, out _))
        {
            Add(field, "must be an IPv4 or IPv6 address.");
        }
    }

    /// <summary>Checks an integer range.</summary>
    public void Range(string field, int? value, int min, int max)
    {
        if (value is null)
        {
            Add(field, "is required.");
        }
        else if (value < min || value > max)
        {
            Add(field, $"must be between {min} and {max}.");
        }
    }

    /// <summary>A 400 naming one field and what is wrong with it.</summary>
    public static ValidationProblem Fail(string field, string message)
    {
        var validator = new Validator();
        validator.Add(field, message);
        return validator.Problem();
    }

    /// <summary>A 400 with a code of its own, naming one field and what is wrong with it.</summary>
    public static ValidationProblem Fail(string field, string message, string code)
    {
        var validator = new Validator();
        validator.Add(field, message, code);
        return validator.Problem();
    }

    /// <summary>The 400 problem for the errors found.</summary>
    public ValidationProblem Problem() => _outer?.Problem() ?? ApiProblem.Validation(
        (_errors ?? []).ToDictionary(e => e.Key, e => e.Value.ToArray()), _general ? null : _code);
}
