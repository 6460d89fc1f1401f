using System.Runtime.InteropServices;
using SessionGrains.SessionTable;

namespace SessionGrains.Grains.SessionTable;

/// <summary>Where one row's search text lies in its shard's text buffer.</summary>
internal record struct TextSpan(int Start, int Length);

internal sealed partial class ShardIndex
{
    private const int MinText = 4096;

    /// <summary>Characters of search text a row is given room for before a load (an email, an id, an address, a name).</summary>
    private const int ExpectedTextPerRow = 72;

    /// <summary>
    /// Every row's search text (<see cref="SearchTextOf"/>) side by side, so a search streams
    /// through one buffer; <see cref="Hot.Text"/> locates a row's. Replaced and removed texts
    /// leave gaps, compacted once they are half of the buffer.
    /// </summary>
    private char[] _text = new char[MinText];

    private int _textUsed;
    private long _textLive;

    /// <summary>
    /// The fields a search looks in, lower-cased and joined by a separator no search contains
    /// (searches with control characters are refused), so one vectorised IndexOf covers them all.
    /// </summary>
    public static string SearchTextOf(SessionRow row) =>
        string.Join('\n', row.UserEmail ?? "", row.UserId, row.IpAddress, row.SessionName ?? "", row.ApiKeyName ?? "").ToLowerInvariant();

    /// <summary>A row's search text.</summary>
    private ReadOnlySpan<char> TextAt(TextSpan span) => _text.AsSpan(span.Start, span.Length);

    /// <summary>
    /// Appends a row's search text, lower-cased straight into the buffer: the same characters as
    /// <see cref="SearchTextOf"/> (invariant lower-casing goes character by character, so casing
    /// the fields one by one equals casing them joined) without the two strings it makes.
    /// </summary>
    private TextSpan AddText(SessionRow row)
    {
        ReadOnlySpan<string> fields = [row.UserEmail ?? "", row.UserId, row.IpAddress, row.SessionName ?? "", row.ApiKeyName ?? ""];
        var length = fields.Length - 1;
        foreach (var field in fields)
        {
            length += field.Length;
        }

        MakeRoom(length);
        var into = _text.AsSpan(_textUsed, length);
        var written = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                into[written++] = '\n';
            }

            written += fields[i].AsSpan().ToLowerInvariant(into[written..]);
        }

        var span = new TextSpan(_textUsed, length);
        _textUsed += length;
        _textLive += length;
        return span;
    }

    /// <summary>The search text of a replaced row: the old one where it is unchanged, else appended.</summary>
    private TextSpan ReplaceText(TextSpan old, SessionRow row)
    {
        var text = SearchTextOf(row);
        if (TextAt(old).SequenceEqual(text))
        {
            return old;
        }

        RemoveText(old);
        return Append(text);
    }

    private void RemoveText(TextSpan span) => _textLive -= span.Length;

    private void MakeRoom(int length)
    {
        if (_textUsed + length > _text.Length)
        {
            // Grows by a quarter: at a million sessions the buffer is tens of MB, so spare room costs.
            Array.Resize(ref _text, Math.Max(_text.Length + (_text.Length / 4), _textUsed + length));
        }
    }

    private TextSpan Append(string text)
    {
        MakeRoom(text.Length);
        var span = new TextSpan(_textUsed, text.Length);
        text.CopyTo(_text.AsSpan(span.Start));
        _textUsed += text.Length;
        _textLive += text.Length;
        return span;
    }

    private void CompactTextIfSparse()
    {
        if (_textUsed > MinText && _textUsed > 2 * _textLive)
        {
            CompactText(exact: false);
        }
    }

    /// <summary>Rewrites the search texts in row order without gaps.</summary>
    private void CompactText(bool exact)
    {
        var size = (int)Math.Max(MinText, exact ? _textLive : _textLive + (_textLive / 4));
        var text = new char[size];
        var used = 0;
        foreach (ref var h in CollectionsMarshal.AsSpan(_hot))
        {
            TextAt(h.Text).CopyTo(text.AsSpan(used));
            h.Text = h.Text with { Start = used };
            used += h.Text.Length;
        }

        _text = text;
        _textUsed = used;
        _textLive = used;
    }
}
