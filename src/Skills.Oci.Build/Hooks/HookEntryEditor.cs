using System.Text.Json.Nodes;

namespace Skills.Oci.Build.Hooks;

/// <summary>What an edit did to one agent's hook entry.</summary>
public enum HookEntryChange
{
    Unchanged,
    Added,
    Updated,
    Removed,
}

/// <summary>
/// Adds, replaces or removes our session-start entry in an agent's settings tree, touching nothing
/// else: other keys, events, groups and entries stay as they are, in their order, with every field.
/// Our entry is the one whose command strings hold <see cref="AgentHookFormats.Marker"/> (or whose
/// <c>name</c> is ours, where the format names entries); a second one is removed, never duplicated.
/// </summary>
public static class HookEntryEditor
{
    private const string HooksKey = "hooks";
    private const string MatcherKey = "matcher";

    /// <summary>Makes the tree hold exactly our entry for <paramref name="format"/>; <paramref name="fullPath"/> names the file in errors.</summary>
    public static HookEntryChange Upsert(JsonSettingsFile file, AgentHookFormat format, string fullPath)
    {
        var root = file.Root;
        var changed = AddRootProperties(root, format);
        var events = EventList(file, format, fullPath, create: true)!;
        var desired = format.Matcher is null ? Entry(format) : Group(format);
        var found = Find(events, format);
        if (found.Count == 0)
        {
            events.Add(desired);
            return HookEntryChange.Added;
        }

        var (group, entry) = found[0];
        foreach (var (extraGroup, extraEntry) in found.Skip(1))
        {
            RemoveEntry(events, extraGroup, extraEntry);
            changed = true;
        }

        if (group is null || (group["hooks"] is JsonArray entries && entries.Count == 1))
        {
            // Our own group (or flat entry): it is ours to replace whole, matcher included.
            var ours = group ?? entry;
            if (!JsonNode.DeepEquals(ours, desired))
            {
                events[events.IndexOf(ours)] = desired;
                changed = true;
            }
        }
        else
        {
            // The user moved our entry into a group of theirs: keep their grouping, refresh the entry.
            var groupEntries = (JsonArray)group["hooks"]!;
            var fresh = Entry(format);
            if (!JsonNode.DeepEquals(entry, fresh))
            {
                groupEntries[groupEntries.IndexOf(entry)] = fresh;
                changed = true;
            }
        }

        return changed ? HookEntryChange.Updated : HookEntryChange.Unchanged;
    }

    /// <summary>
    /// Removes our entries, then whatever that left empty that we would have created (our group, the
    /// event list, <c>hooks</c>, the root properties when nothing else is left).
    /// </summary>
    public static HookEntryChange Remove(JsonSettingsFile file, AgentHookFormat format, string fullPath)
    {
        var events = EventList(file, format, fullPath, create: false);
        if (events is null)
        {
            return HookEntryChange.Unchanged;
        }

        var found = Find(events, format);
        foreach (var (group, entry) in found)
        {
            RemoveEntry(events, group, entry);
        }

        if (found.Count == 0)
        {
            return HookEntryChange.Unchanged;
        }

        var hooks = (JsonObject)file.Root[HooksKey]!;
        if (events.Count == 0)
        {
            hooks.Remove(format.Event);
        }

        if (hooks.Count == 0)
        {
            file.Root.Remove(HooksKey);
        }

        if (IsOnlyRootProperties(file.Root, format))
        {
            file.Root.Clear();
        }

        return HookEntryChange.Removed;
    }

    /// <summary>True when the tree holds our entry.</summary>
    public static bool Contains(JsonSettingsFile file, AgentHookFormat format) =>
        file.Root[HooksKey] is JsonObject hooks && hooks[format.Event] is JsonArray events && Find(events, format).Count > 0;

    private static JsonObject Entry(AgentHookFormat format) => (JsonObject)JsonNode.Parse(format.Entry)!;

    private static JsonObject Group(AgentHookFormat format) => new()
    {
        [MatcherKey] = format.Matcher,
        [HooksKey] = new JsonArray(Entry(format)),
    };

    private static JsonObject RootProperties(AgentHookFormat format) => (JsonObject)JsonNode.Parse(format.RootProperties)!;

    /// <summary>Root properties the format needs go first, as the agents' own examples place them.</summary>
    private static bool AddRootProperties(JsonObject root, AgentHookFormat format)
    {
        var missing = RootProperties(format).Where(p => !root.ContainsKey(p.Key)).Select(p => p.Key).ToList();
        if (missing.Count == 0)
        {
            return false;
        }

        var existing = root.ToList();
        root.Clear();
        foreach (var name in missing)
        {
            root[name] = RootProperties(format)[name]!.DeepClone();
        }

        foreach (var (name, value) in existing)
        {
            root[name] = value;
        }

        return true;
    }

    private static bool IsOnlyRootProperties(JsonObject root, AgentHookFormat format)
    {
        var ours = RootProperties(format);
        return root.All(p => ours.ContainsKey(p.Key) && JsonNode.DeepEquals(p.Value, ours[p.Key]));
    }

    private static JsonArray? EventList(JsonSettingsFile file, AgentHookFormat format, string fullPath, bool create)
    {
        var root = file.Root;
        if (root[HooksKey] is not JsonObject hooks)
        {
            if (root.ContainsKey(HooksKey))
            {
                throw JsonSettingsFile.Shape(fullPath, "\"hooks\" is not an object");
            }

            if (!create)
            {
                return null;
            }

            root[HooksKey] = hooks = [];
        }

        if (hooks[format.Event] is not JsonArray events)
        {
            if (hooks.ContainsKey(format.Event))
            {
                throw JsonSettingsFile.Shape(fullPath, $"\"hooks.{format.Event}\" is not an array");
            }

            if (!create)
            {
                return null;
            }

            hooks[format.Event] = events = [];
        }

        return events;
    }

    /// <summary>Our entries, each with the group that holds it (null in flat formats), in file order.</summary>
    private static List<(JsonObject? Group, JsonObject Entry)> Find(JsonArray events, AgentHookFormat format)
    {
        var found = new List<(JsonObject?, JsonObject)>();
        foreach (var item in events.OfType<JsonObject>())
        {
            if (format.Matcher is null)
            {
                if (IsOurs(item, format))
                {
                    found.Add((null, item));
                }
            }
            else if (item[HooksKey] is JsonArray entries)
            {
                found.AddRange(entries.OfType<JsonObject>().Where(entry => IsOurs(entry, format)).Select(entry => ((JsonObject?)item, entry)));
            }
        }

        return found;
    }

    private static bool IsOurs(JsonObject entry, AgentHookFormat format)
    {
        var ourName = Entry(format)["name"]?.GetValue<string>();
        return entry.Any(p =>
            p.Value is JsonValue value && value.TryGetValue<string>(out var text) &&
            (text.Contains(AgentHookFormats.Marker, StringComparison.Ordinal) || (p.Key == "name" && text == ourName)));
    }

    /// <summary>Removes an entry; in a group, the group too when the entry was all it held.</summary>
    private static void RemoveEntry(JsonArray events, JsonObject? group, JsonObject entry)
    {
        if (group is null)
        {
            events.Remove(entry);
            return;
        }

        var entries = (JsonArray)group[HooksKey]!;
        entries.Remove(entry);
        if (entries.Count == 0)
        {
            events.Remove(group);
        }
    }
}
