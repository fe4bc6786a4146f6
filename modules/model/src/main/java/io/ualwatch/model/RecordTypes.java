package io.ualwatch.model;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * UAL RecordType numbers and names (AuditLogRecordType). Exports write the name, the API the number; both
 * map to the number. The enum has more than 360 values and grows: unknown values pass through untouched.
 */
public final class RecordTypes {
  private RecordTypes() {}

  public static final int EXCHANGE_ADMIN = 1;
  public static final int EXCHANGE_ITEM = 2;
  public static final int EXCHANGE_ITEM_GROUP = 3;
  public static final int AZURE_ACTIVE_DIRECTORY = 8;
  public static final int AZURE_ACTIVE_DIRECTORY_ACCOUNT_LOGON = 9;
  public static final int AZURE_ACTIVE_DIRECTORY_STS_LOGON = 15;
  public static final int EXCHANGE_ITEM_AGGREGATED = 50;

  private static final Map<String, Integer> BY_NAME = new HashMap<>();
  private static final Map<Integer, String> BY_NUMBER = new HashMap<>();

  static {
    Object[][] table = {
        {1, "ExchangeAdmin"}, {2, "ExchangeItem"}, {3, "ExchangeItemGroup"}, {4, "SharePoint"},
        {6, "SharePointFileOperation"}, {7, "OneDrive"}, {8, "AzureActiveDirectory"},
        {9, "AzureActiveDirectoryAccountLogon"}, {10, "DataCenterSecurityCmdlet"}, {11, "ComplianceDLPSharePoint"},
        {12, "Sway"}, {13, "ComplianceDLPExchange"}, {14, "SharePointSharingOperation"},
        {15, "AzureActiveDirectoryStsLogon"}, {16, "SkypeForBusinessPSTNUsage"}, {17, "SkypeForBusinessUsersBlocked"},
        {18, "SecurityComplianceCenterEOPCmdlet"}, {19, "ExchangeAggregatedOperation"}, {20, "PowerBIAudit"},
        {21, "CRM"}, {22, "Yammer"}, {23, "SkypeForBusinessCmdlets"}, {24, "Discovery"}, {25, "MicrosoftTeams"},
        {28, "ThreatIntelligence"}, {29, "MailSubmission"}, {30, "MicrosoftFlow"}, {31, "AeD"},
        {32, "MicrosoftStream"}, {33, "ComplianceDLPSharePointClassification"}, {34, "ThreatFinder"},
        {35, "Project"}, {36, "SharePointListOperation"}, {37, "SharePointCommentOperation"},
        {38, "DataGovernance"}, {39, "Kaizala"}, {40, "SecurityComplianceAlerts"}, {41, "ThreatIntelligenceUrl"},
        {42, "SecurityComplianceInsights"}, {43, "MIPLabel"}, {44, "WorkplaceAnalytics"}, {45, "PowerAppsApp"},
        {46, "PowerAppsPlan"}, {47, "ThreatIntelligenceAtpContent"}, {48, "LabelContentExplorer"},
        {49, "TeamsHealthcare"}, {50, "ExchangeItemAggregated"}, {51, "HygieneEvent"},
        {52, "DataInsightsRestApiAudit"}, {53, "InformationBarrierPolicyApplication"},
        {54, "SharePointListItemOperation"}, {55, "SharePointContentTypeOperation"},
        {56, "SharePointFieldOperation"}, {57, "MicrosoftTeamsAdmin"}, {58, "HRSignal"},
        {59, "MicrosoftTeamsDevice"}, {60, "MicrosoftTeamsAnalytics"}, {61, "InformationWorkerProtection"},
        {62, "Campaign"}, {63, "DLPEndpoint"}, {64, "AirInvestigation"}, {65, "Quarantine"},
        {66, "MicrosoftForms"}, {67, "ApplicationAudit"}, {68, "ComplianceSupervisionExchange"},
        {69, "CustomerKeyServiceEncryption"}, {70, "OfficeNative"}, {78, "WDATPAlerts"},
        {87, "SecurityComplianceRBAC"}, {98, "MCASAlerts"}, {101, "ExchangeSearch"}, {102, "SharePointSearch"},
    };
    for (Object[] row : table) {
      BY_NUMBER.put((Integer) row[0], (String) row[1]);
      BY_NAME.put(((String) row[1]).toLowerCase(Locale.ROOT), (Integer) row[0]);
    }
  }

  /** Number for a known name (any case), else null. */
  public static Integer byName(String name) {
    return name == null ? null : BY_NAME.get(name.strip().toLowerCase(Locale.ROOT));
  }

  /** Name for a known number, else null. */
  public static String name(Integer number) {
    return number == null ? null : BY_NUMBER.get(number);
  }
}
