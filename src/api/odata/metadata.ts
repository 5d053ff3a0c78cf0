/**
 * The service's metadata document in CSDL: XML (what Excel, Power BI and most clients read) and
 * the JSON form of CSDL 4.01. Both come from the same entity set definitions.
 */
import { ENTITY_SETS } from './entities.js';

/** The schema namespace of udc's entity types. */
export const NAMESPACE = 'UDC';

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** CSDL XML ($metadata). */
export function metadataXml(): string {
  const sets = [...ENTITY_SETS.values()];
  const types = sets.map(
    (e) => `      <EntityType Name="${e.typeName}">
        <Key>${e.key.map((k) => `<PropertyRef Name="${k}"/>`).join('')}</Key>
${e.properties
  .map(
    (p) => `        <Property Name="${p.name}" Type="${p.type}" Nullable="${p.nullable}">
          <Annotation Term="Core.Description" String="${xml(p.description)}"/>
        </Property>`,
  )
  .join('\n')}
      </EntityType>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/>
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">
${types.join('\n')}
      <EntityContainer Name="Container">
${sets
  .map(
    (e) => `        <EntitySet Name="${e.name}" EntityType="${NAMESPACE}.${e.typeName}">
          <Annotation Term="Core.Description" String="${xml(e.description)}"/>
        </EntitySet>`,
  )
  .join('\n')}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}

/** CSDL JSON ($metadata?$format=json). */
export function metadataJson(): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  for (const e of ENTITY_SETS.values()) {
    const type: Record<string, unknown> = { $Kind: 'EntityType', $Key: [...e.key] };
    for (const p of e.properties) {
      type[p.name] = {
        ...(p.type === 'Edm.String' ? {} : { $Type: p.type }),
        ...(p.nullable ? { $Nullable: true } : {}),
        '@Core.Description': p.description,
      };
    }
    schema[e.typeName] = type;
  }
  schema['Container'] = {
    $Kind: 'EntityContainer',
    ...Object.fromEntries(
      [...ENTITY_SETS.values()].map((e) => [
        e.name,
        { $Collection: true, $Type: `${NAMESPACE}.${e.typeName}`, '@Core.Description': e.description },
      ]),
    ),
  };
  return {
    $Version: '4.01',
    $EntityContainer: `${NAMESPACE}.Container`,
    $Reference: {
      'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.json': {
        $Include: [{ $Namespace: 'Org.OData.Core.V1', $Alias: 'Core' }],
      },
    },
    [NAMESPACE]: schema,
  };
}
