using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>
/// What <c>tmel crypto</c> remembers about the keys it made in a directory (<c>tmel-crypto-keys.json</c>): TME-L has no
/// request that lists keys, so <c>list</c> shows this file and the other commands take a key's type and algorithm from it.
/// It holds no key material. docs/crypto-cli.md.
/// </summary>
internal sealed class CryptoKeyIndex
{
    public const string FileName = "tmel-crypto-keys.json";

    private const int MaxEntries = 255;

    private readonly string _path;
    private readonly SortedDictionary<uint, CryptoKeyEntry> _entries;

    private CryptoKeyIndex(string path, SortedDictionary<uint, CryptoKeyEntry> entries)
    {
        _path = path;
        _entries = entries;
    }

    public IEnumerable<CryptoKeyEntry> Entries => _entries.Values;

    /// <summary>Reads the index in <paramref name="directory"/>; an absent file is an empty index.</summary>
    /// <exception cref="TmelUsageException">The file is not an index this tool wrote.</exception>
    public static CryptoKeyIndex Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        var entries = new SortedDictionary<uint, CryptoKeyEntry>();
        if (!File.Exists(path))
        {
            return new CryptoKeyIndex(path, entries);
        }

        try
        {
            var info = new FileInfo(path);
            if (info.Length > 1024 * 1024)
            {
                throw new TmelUsageException($"{path}: {info.Length} bytes is too large for a key index.");
            }

            if (JsonNode.Parse(File.ReadAllText(path))?["keys"] is JsonArray keys)
            {
                foreach (JsonNode? key in keys.Take(MaxEntries))
                {
                    CryptoKeyEntry entry = CryptoKeyEntry.FromJson(key as JsonObject ?? throw new JsonException("a key is not an object"));
                    entries[entry.Handle] = entry;
                }
            }

            return new CryptoKeyIndex(path, entries);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or IOException)
        {
            throw new TmelUsageException($"{path}: not a tmel crypto key index ({ex.Message}); remove it to start afresh.");
        }
    }

    public CryptoKeyEntry? Find(uint handle) => _entries.GetValueOrDefault(handle);

    public void Add(CryptoKeyEntry entry)
    {
        _entries[entry.Handle] = entry;
        Save();
    }

    public void Remove(uint handle)
    {
        if (_entries.Remove(handle))
        {
            Save();
        }
    }

    private void Save()
    {
        var root = new JsonObject { ["keys"] = new JsonArray([.. _entries.Values.Select(e => (JsonNode)e.ToJson())]) };
        string temporary = _path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, _path, overwrite: true);
    }
}
