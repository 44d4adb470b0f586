using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Skills.Oci.Build.Tests.Architecture;

/// <summary>One type naming another; both are full names of top-level types (a nested type counts as its outermost type).</summary>
public sealed record TypeEdge(string From, string To)
{
    public override string ToString() => $"{From} -> {To}";
}

/// <summary>
/// Which types of one compiled assembly name which other types of the same assembly. Read from the
/// metadata, not the source, so every way of naming a type counts: base types, interfaces, generic
/// constraints, field, method and local signatures, catch clauses, custom attributes, and every token
/// inside method bodies (calls, field accesses, casts, typeof). Compiler-generated nested types
/// (lambdas, iterators, async state machines) count as the type that declares them.
/// </summary>
public static class TypeReferenceGraph
{
    private static readonly ImmutableDictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToImmutableDictionary(opCode => opCode.Value, opCode => opCode.OperandType);

    public static IReadOnlyList<TypeEdge> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new TypeNames(reader);
        var edges = new HashSet<TypeEdge>();

        foreach (var handle in reader.TypeDefinitions)
        {
            var from = names.Outermost(handle);
            var referenced = new HashSet<string>(StringComparer.Ordinal);
            CollectType(reader, pe, names, reader.GetTypeDefinition(handle), referenced);
            foreach (var to in referenced.Where(to => to != from))
            {
                edges.Add(new TypeEdge(from, to));
            }
        }

        return edges.OrderBy(edge => edge.From, StringComparer.Ordinal).ThenBy(edge => edge.To, StringComparer.Ordinal).ToList();
    }

    private static void CollectType(MetadataReader reader, PEReader pe, TypeNames names, TypeDefinition type, HashSet<string> referenced)
    {
        names.AddEntity(type.BaseType, referenced);
        foreach (var implementation in type.GetInterfaceImplementations())
        {
            names.AddEntity(reader.GetInterfaceImplementation(implementation).Interface, referenced);
        }

        CollectGenericParameters(reader, names, type.GetGenericParameters(), referenced);
        CollectAttributes(reader, names, type.GetCustomAttributes(), referenced);
        foreach (var fieldHandle in type.GetFields())
        {
            var field = reader.GetFieldDefinition(fieldHandle);
            referenced.UnionWith(field.DecodeSignature(names, null));
            CollectAttributes(reader, names, field.GetCustomAttributes(), referenced);
        }

        foreach (var propertyHandle in type.GetProperties())
        {
            var property = reader.GetPropertyDefinition(propertyHandle);
            AddSignature(property.DecodeSignature(names, null), referenced);
            CollectAttributes(reader, names, property.GetCustomAttributes(), referenced);
        }

        foreach (var methodHandle in type.GetMethods())
        {
            var method = reader.GetMethodDefinition(methodHandle);
            AddSignature(method.DecodeSignature(names, null), referenced);
            CollectGenericParameters(reader, names, method.GetGenericParameters(), referenced);
            CollectAttributes(reader, names, method.GetCustomAttributes(), referenced);
            foreach (var parameter in method.GetParameters())
            {
                CollectAttributes(reader, names, reader.GetParameter(parameter).GetCustomAttributes(), referenced);
            }

            if (method.RelativeVirtualAddress != 0)
            {
                CollectBody(reader, names, pe.GetMethodBody(method.RelativeVirtualAddress), referenced);
            }
        }
    }

    private static void CollectGenericParameters(
        MetadataReader reader, TypeNames names, GenericParameterHandleCollection parameters, HashSet<string> referenced)
    {
        foreach (var parameter in parameters)
        {
            foreach (var constraint in reader.GetGenericParameter(parameter).GetConstraints())
            {
                names.AddEntity(reader.GetGenericParameterConstraint(constraint).Type, referenced);
            }
        }
    }

    private static void CollectAttributes(MetadataReader reader, TypeNames names, CustomAttributeHandleCollection attributes, HashSet<string> referenced)
    {
        foreach (var attribute in attributes)
        {
            names.AddEntity(reader.GetCustomAttribute(attribute).Constructor, referenced);
        }
    }

    private static void CollectBody(MetadataReader reader, TypeNames names, MethodBodyBlock body, HashSet<string> referenced)
    {
        if (!body.LocalSignature.IsNil)
        {
            foreach (var local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null))
            {
                referenced.UnionWith(local);
            }
        }

        foreach (var region in body.ExceptionRegions)
        {
            names.AddEntity(region.CatchType, referenced);
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (OperandTypes[value])
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    names.AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()), referenced);
                    break;
                case OperandType.InlineSig:
                    var signature = reader.GetStandaloneSignature((StandaloneSignatureHandle)MetadataTokens.EntityHandle(il.ReadInt32()));
                    AddSignature(signature.DecodeMethodSignature(names, null), referenced);
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case var operand:
                    il.Offset += OperandSize(operand);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    private static void AddSignature(MethodSignature<ImmutableArray<string>> signature, HashSet<string> referenced)
    {
        referenced.UnionWith(signature.ReturnType);
        foreach (var parameter in signature.ParameterTypes)
        {
            referenced.UnionWith(parameter);
        }
    }

    /// <summary>
    /// Names of the types a metadata entity or signature mentions, limited to types defined in the
    /// assembly being read (references to other assemblies cannot break its layering).
    /// </summary>
    private sealed class TypeNames(MetadataReader reader) : ISignatureTypeProvider<ImmutableArray<string>, object?>
    {
        public string Outermost(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            while (type.IsNested)
            {
                type = reader.GetTypeDefinition(type.GetDeclaringType());
            }

            var name = reader.GetString(type.Name);
            return type.Namespace.IsNil ? name : reader.GetString(type.Namespace) + "." + name;
        }

        public void AddEntity(EntityHandle handle, HashSet<string> referenced)
        {
            if (!handle.IsNil)
            {
                referenced.UnionWith(Of(handle));
            }
        }

        private ImmutableArray<string> Of(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    return [Outermost((TypeDefinitionHandle)handle)];
                case HandleKind.TypeSpecification:
                    return reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                case HandleKind.MethodDefinition:
                    return [Outermost(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType())];
                case HandleKind.FieldDefinition:
                    return [Outermost(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType())];
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return [.. Of(specification.Method), .. specification.DecodeSignature(this, null).SelectMany(type => type)];
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    var signature = member.GetKind() == MemberReferenceKind.Field
                        ? member.DecodeFieldSignature(this, null)
                        : Flatten(member.DecodeMethodSignature(this, null));
                    return [.. Of(member.Parent), .. signature];
                default:
                    // Type references and everything else name other assemblies.
                    return [];
            }
        }

        private static ImmutableArray<string> Flatten(MethodSignature<ImmutableArray<string>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(type => type)];

        public ImmutableArray<string> GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => [Outermost(handle)];

        public ImmutableArray<string> GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public ImmutableArray<string> GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            Of(handle);

        public ImmutableArray<string> GetGenericInstantiation(ImmutableArray<string> genericType, ImmutableArray<ImmutableArray<string>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(type => type)];

        public ImmutableArray<string> GetArrayType(ImmutableArray<string> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<string> GetSZArrayType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetByReferenceType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetPointerType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetPinnedType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetModifiedType(ImmutableArray<string> modifier, ImmutableArray<string> unmodifiedType, bool isRequired) =>
            [.. modifier, .. unmodifiedType];

        public ImmutableArray<string> GetFunctionPointerType(MethodSignature<ImmutableArray<string>> signature) => Flatten(signature);

        public ImmutableArray<string> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<string> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
    }
}
